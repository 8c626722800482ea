package org.glean.ingest;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Completes studies pushed by C-STORE: a PACS sends a study as separate associations with no
 * end marker, so, as PACS routers do, a study counts as whole once no new instance arrived for
 * {@code glean.scp.study-quiet-period}. Also completes studies whose IngestStudy call broke off.
 */
@ApplicationScoped
public class StudyQuietPeriodWatcher {

    private static final Logger LOG = Logger.getLogger(StudyQuietPeriodWatcher.class);
    private static final Duration SHORTEST_CHECK_INTERVAL = Duration.ofMillis(100);
    private static final Duration LONGEST_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final IngestService ingest;
    private final Duration quietPeriod;
    private ScheduledExecutorService scheduler;

    public StudyQuietPeriodWatcher(IngestService ingest, ScpConfig config) {
        this.ingest = ingest;
        this.quietPeriod = config.studyQuietPeriod();
    }

    void start(@Observes StartupEvent startup) {
        // Checking five times per period completes a study at most a fifth of a period late.
        Duration interval = clamp(quietPeriod.dividedBy(5));
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "study-quiet-period");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::completeQuietStudies, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void completeQuietStudies() {
        try {
            ingest.completeQuietStudies(quietPeriod);
        } catch (RuntimeException e) {
            // The next round retries; a failure must not end the schedule.
            LOG.error("Completing quiet studies failed", e);
        }
    }

    private static Duration clamp(Duration interval) {
        if (interval.compareTo(SHORTEST_CHECK_INTERVAL) < 0) {
            return SHORTEST_CHECK_INTERVAL;
        }
        return interval.compareTo(LONGEST_CHECK_INTERVAL) > 0 ? LONGEST_CHECK_INTERVAL : interval;
    }
}
