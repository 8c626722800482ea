package org.glean.ingest;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;

/** Limits on what one sender may make Glean hold. */
@ConfigMapping(prefix = "glean.ingest")
public interface IngestConfig {

    /** Largest Part-10 instance accepted; a larger one is refused while it streams. */
    MemorySize maxInstanceSize();

    /** Largest total of a study's stored instances; an instance that would pass it is refused. */
    MemorySize maxStudySize();
}
