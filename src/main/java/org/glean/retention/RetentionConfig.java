package org.glean.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How long studies are kept that nothing needs (docs/security.md, Deleting studies and retention). */
@ConfigMapping(prefix = "glean.retention")
public interface RetentionConfig {

    /** The shortest period accepted: a study must have stopped arriving and been scored long before. */
    Duration SHORTEST_PERIOD = Duration.ofHours(1);

    /**
     * A study whose last instance arrived longer ago than this, and that no open or submitted
     * annotation task needs, is deleted; unset (the default): studies are kept until DeleteStudy.
     */
    Optional<Duration> period();

    /** How often the server looks for such studies. */
    @WithDefault("1H")
    Duration checkInterval();
}
