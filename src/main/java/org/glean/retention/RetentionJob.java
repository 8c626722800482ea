package org.glean.retention;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.glean.ingest.StoreRemovals;
import org.glean.ingest.StudyNotFoundException;
import org.glean.security.Actor;
import org.jboss.logging.Logger;

/**
 * The retention period: every {@code glean.retention.check-interval}, studies whose last instance
 * arrived more than {@code glean.retention.period} ago and that no annotation task needs (none
 * waiting, claimed or submitted: a submitted task's frames are training data for every
 * fine-tuning job) are deleted through {@link StudyDeletion}, each recorded in the audit trail
 * with the actor glean. At every start, whatever the period, files that a deletion interrupted
 * by a crash left behind are removed.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);
    private static final int BATCH = 100;

    private final DataSource dataSource;
    private final StudyDeletion deletion;
    private final StoreRemovals removals;
    private final RetentionConfig config;

    public RetentionJob(DataSource dataSource, StudyDeletion deletion, StoreRemovals removals,
            RetentionConfig config) {
        this.dataSource = dataSource;
        this.deletion = deletion;
        this.removals = removals;
        this.config = config;
        config.period().ifPresent(period -> {
            if (period.compareTo(RetentionConfig.SHORTEST_PERIOD) < 0) {
                throw new IllegalArgumentException("glean.retention.period must be at least "
                        + RetentionConfig.SHORTEST_PERIOD + " (studies still arriving or being scored are younger), got "
                        + period);
            }
        });
        if (config.checkInterval().isNegative() || config.checkInterval().isZero()) {
            throw new IllegalArgumentException("glean.retention.check-interval must be positive, got "
                    + config.checkInterval());
        }
    }

    void start(@Observes StartupEvent startup) {
        int removed = removals.removeListed(null);
        if (removed > 0) {
            LOG.infof("Removed %d file(s) that interrupted study deletions left behind", removed);
        }
        if (config.period().isEmpty()) {
            return;
        }
        LOG.infof("Retention: studies nothing needs are deleted %s after their last instance (checked every %s)",
                config.period().get(), config.checkInterval());
    }

    /**
     * Deletes every study past the retention period that nothing needs; returns how many.
     * Nothing happens when no period is set.
     */
    public int deleteExpired() {
        if (config.period().isEmpty()) {
            return 0;
        }
        Duration period = config.period().get();
        String why = "retention: its last instance arrived more than " + period + " ago and no task needs it";
        int deleted = 0;
        while (true) {
            List<String> expired = expired(period);
            int deletedNow = 0;
            for (String studyInstanceUid : expired) {
                try {
                    deletion.delete(studyInstanceUid, Actor.GLEAN, why);
                    deletedNow++;
                } catch (StudyNotFoundException goneMeanwhile) {
                    // another replica's retention, or an admin, deleted it first
                } catch (RuntimeException e) {
                    LOG.error("Deleting a study past the retention period failed; the next run tries again", e);
                }
            }
            deleted += deletedNow;
            // a batch that deleted nothing would come back the same
            if (expired.size() < BATCH || deletedNow == 0) {
                return deleted;
            }
        }
    }

    @Scheduled(identity = "retention", every = "${glean.retention.check-interval}",
            delayed = "${glean.retention.check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void runScheduled() {
        try {
            int deleted = deleteExpired();
            if (deleted > 0) {
                LOG.infof("Retention deleted %d stud(ies)", deleted);
            }
        } catch (RuntimeException e) {
            // the next round retries; a failure must not end the schedule
            LOG.error("The retention run failed", e);
        }
    }

    // Studies past the period that no waiting, claimed or submitted task needs, oldest first.
    private List<String> expired(Duration period) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT s.study_instance_uid FROM study s
                     WHERE s.last_received_at < now() - make_interval(secs => ?)
                       AND NOT EXISTS (SELECT 1 FROM annotation_task t
                                       WHERE t.study_instance_uid = s.study_instance_uid
                                         AND t.state IN ('QUEUED', 'CLAIMED', 'EXPIRED', 'SUBMITTED'))
                     ORDER BY s.last_received_at LIMIT ?""")) {
            select.setDouble(1, period.toSeconds());
            select.setInt(2, BATCH);
            List<String> uids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    uids.add(rows.getString(1));
                }
            }
            return uids;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot find the studies past the retention period: " + e.getMessage(), e);
        }
    }
}
