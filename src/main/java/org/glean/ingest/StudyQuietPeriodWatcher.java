package org.glean.ingest;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Completes studies pushed by C-STORE: a PACS sends a study as separate associations with no
 * end marker, so, as PACS routers do, a study counts as whole once no new instance arrived for
 * {@code glean.scp.study-quiet-period}. Also completes studies whose IngestStudy call broke off.
 */
@ApplicationScoped
public class StudyQuietPeriodWatcher {

    private static final Logger LOG = Logger.getLogger(StudyQuietPeriodWatcher.class);
    // The scheduler looks at its jobs once a second.
    private static final Duration SHORTEST_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Duration LONGEST_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final IngestService ingest;
    private final Duration quietPeriod;
    private final Scheduler scheduler;

    public StudyQuietPeriodWatcher(IngestService ingest, ScpConfig config, Scheduler scheduler) {
        this.ingest = ingest;
        this.quietPeriod = config.studyQuietPeriod();
        this.scheduler = scheduler;
    }

    void start(@Observes StartupEvent startup) {
        // Checking five times per period completes a study at most a fifth of a period late (at
        // most a second, the scheduler's resolution, for a period under five seconds).
        Duration interval = clamp(quietPeriod.dividedBy(5));
        // Scheduled here, not by @Scheduled: the interval follows from the quiet period.
        scheduler.newJob("study-quiet-period").setInterval(interval.toString()).setDelayed(interval.toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> completeQuietStudies()).schedule();
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
