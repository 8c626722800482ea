package org.glean.inference;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Where model versions come from. */
@ConfigMapping(prefix = "glean.models")
public interface ModelsConfig {

    /** Folder of model directories (each with manifest.json and parameters.bin). */
    Path dir();

    /**
     * The version to make current at start-up: a version id or the name of a directory under
     * {@link #dir()}. Absent: the current version stays as recorded, or else the newest found.
     */
    Optional<String> current();

    /**
     * Whether the model bundled in the jar counts as an installed version. Tests turn it off so
     * that they run against the models they install themselves, or none.
     */
    @WithDefault("true")
    boolean bundled();
}
