package org.glean.inference;

import java.util.Optional;

/** Gives the model that analyses frames now. */
@FunctionalInterface
public interface ModelSupplier {

    /** The current model, held until the lease is closed; empty when none is installed. */
    Optional<ModelLease> lease();

    /** Always {@code model}, which its owner closes; the leases hold nothing. */
    static ModelSupplier fixed(ActiveModel model) {
        return () -> Optional.of(new ModelLease(model, () -> { }));
    }
}
