package org.glean.curation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Annotation leases ({@code glean.curation.*}). */
@ConfigMapping(prefix = "glean.curation")
public interface CurationConfig {

    /** The lease of a claim that asks for none. */
    @WithDefault("30M")
    Duration leaseDuration();

    /** The longest lease a claim may ask for. */
    @WithDefault("8H")
    Duration maxLeaseDuration();
}
