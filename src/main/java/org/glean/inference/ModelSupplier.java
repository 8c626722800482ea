package org.glean.inference;

import java.util.Optional;

/** Gives the model that analyses frames now. */
@FunctionalInterface
public interface ModelSupplier {

    /** The current model; empty when none is installed. */
    Optional<ActiveModel> current();
}
