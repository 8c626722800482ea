package org.glean.health;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** What the readiness checks demand (docs/operations.md, Health and metrics). */
@ConfigMapping(prefix = "glean.health")
public interface HealthConfig {

    /**
     * Usable space the instance store's file system must still have for the server to be ready:
     * below it a replica stops taking new studies before a write fails half-way.
     */
    @WithDefault("1G")
    MemorySize minFreeSpace();

    /** How long the database's {@code SELECT 1} may take before the database counts as down. */
    @WithDefault("2S")
    Duration databaseTimeout();
}
