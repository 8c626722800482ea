package org.glean.training;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.jboss.logging.Logger;

/** The fine_tune_job table in plain JDBC: its jobs are claimed and guarded by advisory locks. */
@ApplicationScoped
class FineTuneJobRepository {

    /** What a reason says where it named a UID of a deleted study. */
    static final String DELETED_UID = "(a deleted study's UID)";
    /** PostgreSQL's unique_violation: the one-running-job index refused a second. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** First key of the advisory locks of running jobs (the second is the job's id): "glFT". */
    static final int RUNNING_JOB_LOCK = 0x676c4654;
    private static final Logger LOG = Logger.getLogger(FineTuneJobRepository.class);

    private final DataSource dataSource;
    private final AuditTrail trail;

    FineTuneJobRepository(DataSource dataSource, AuditTrail trail) {
        this.dataSource = dataSource;
        this.trail = trail;
    }

    /** A job just recorded RUNNING, and the lock that says it runs here (see {@link #insertRunning}). */
    record StartedJob(FineTuneJob job, RunningLock lock) {
    }

    /**
     * Records a new RUNNING job and, in the same transaction, its start in the audit trail, and
     * takes the advisory lock that says "it runs here" on a database session of its own, held
     * until the lock is closed. The lock is taken before the job's row commits, so no replica
     * can see the job without its lock and take it for an interrupted one ({@link #failRunning});
     * PostgreSQL frees it when this process ends however it ends (its connections close).
     *
     * @return empty when another job is running (the database allows one, across replicas)
     */
    Optional<StartedJob> insertRunning(FineTuneJob.Trigger trigger, Actor requestedBy, String parentVersion,
                                       int epochs, double learningRate) {
        Connection session = null;
        try {
            session = dataSource.getConnection();
            session.setAutoCommit(false);
            FineTuneJob job;
            try (PreparedStatement insert = session.prepareStatement("""
                    INSERT INTO fine_tune_job (state, trigger_kind, requested_by, parent_version, epochs,
                                               learning_rate, epoch, step, created_at)
                    VALUES ('RUNNING', ?, ?, ?, ?, ?, 0, 0, now()) RETURNING *""")) {
                insert.setString(1, trigger.name());
                insert.setString(2, requestedBy.name());
                insert.setString(3, parentVersion);
                insert.setInt(4, epochs);
                insert.setDouble(5, learningRate);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    job = job(row);
                }
            }
            try (PreparedStatement lock = session.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
                lock.setInt(1, RUNNING_JOB_LOCK);
                lock.setInt(2, Math.toIntExact(job.id()));
                lock.execute();
            }
            trail.append(session, AuditEntry.of(requestedBy, AuditAction.FINE_TUNE_STARTED)
                    .target("job " + job.id()).detail(trigger + " from model " + parentVersion + ": " + epochs
                            + " epochs, learning rate " + learningRate));
            session.commit();
            session.setAutoCommit(true);
            return Optional.of(new StartedJob(job, heldOn(session, job.id())));
        } catch (SQLException e) {
            closeQuietly(session);
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new PersistenceException("recording a fine-tuning job failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    // A session whose work failed: rolled back (its session-level lock, if taken, goes with it as
    // below) and handed back to the pool.
    private static void closeQuietly(Connection session) {
        if (session == null) {
            return;
        }
        try (session) {
            if (!session.getAutoCommit()) {
                session.rollback();
                session.setAutoCommit(true);
            }
            try (PreparedStatement unlock = session.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                unlock.execute();
            }
        } catch (SQLException e) {
            LOG.debugf("Cleaning up a failed fine-tuning job session failed: %s", e.getMessage());
        }
    }

    /**
     * Replaces the given UIDs in the jobs' reasons, in the caller's transaction (a study's
     * deletion); returns how many jobs named one.
     */
    int forget(Connection connection, Collection<String> uids) throws SQLException {
        Map<Long, String> reasons = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, reason FROM fine_tune_job WHERE reason LIKE ANY (?) FOR UPDATE")) {
            select.setArray(1, connection.createArrayOf("text", uids.stream().map(uid -> "%" + uid + "%").toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    reasons.put(rows.getLong(1), rows.getString(2));
                }
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE fine_tune_job SET reason = ? WHERE id = ?")) {
            for (Map.Entry<Long, String> job : reasons.entrySet()) {
                String reason = job.getValue();
                for (String uid : uids) {
                    reason = reason.replace(uid, DELETED_UID);
                }
                update.setString(1, reason);
                update.setLong(2, job.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
        return reasons.size();
    }

    /** Writes the job's progress and, once finished, its end. */
    void save(FineTuneJob job) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     UPDATE fine_tune_job SET state = ?, training_images = ?, validation_images = ?,
                         validation_studies = ?, epoch = ?, step = ?, loss = ?, images_per_second = ?,
                         validation_map = ?, current_map = ?, candidate_version = ?, outcome = ?, reason = ?,
                         finished_at = ?
                     WHERE id = ?""")) {
            update.setString(1, job.state().name());
            update.setObject(2, job.trainingImages(), Types.INTEGER);
            update.setObject(3, job.validationImages(), Types.INTEGER);
            update.setObject(4, job.validationStudies(), Types.INTEGER);
            update.setInt(5, job.epoch());
            update.setLong(6, job.step());
            update.setObject(7, Double.isNaN(job.loss()) ? null : job.loss(), Types.DOUBLE);
            update.setDouble(8, job.imagesPerSecond());
            update.setObject(9, job.validationMap(), Types.DOUBLE);
            update.setObject(10, job.currentMap(), Types.DOUBLE);
            update.setString(11, job.candidateVersion());
            update.setString(12, job.outcome() == null ? null : job.outcome().name());
            update.setString(13, job.reason());
            update.setObject(14, Jdbc.timestamp(job.finishedAt()));
            update.setLong(15, job.id());
            update.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("recording fine-tuning job " + job.id() + " failed: " + e.getMessage(), e);
        }
    }

    Optional<FineTuneJob> find(long id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM fine_tune_job WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(job(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading fine-tuning job " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** The job created last. */
    Optional<FineTuneJob> latest() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT * FROM fine_tune_job ORDER BY id DESC LIMIT 1");
             ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(job(row)) : Optional.empty();
        } catch (SQLException e) {
            throw new PersistenceException("reading the latest fine-tuning job failed: " + e.getMessage(), e);
        }
    }

    Optional<FineTuneJob> running() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT * FROM fine_tune_job WHERE state = 'RUNNING'");
             ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(job(row)) : Optional.empty();
        } catch (SQLException e) {
            throw new PersistenceException("reading the running fine-tuning job failed: " + e.getMessage(), e);
        }
    }

    /** A running job's lock, held until closed; see {@link #insertRunning}. */
    interface RunningLock extends AutoCloseable {
        @Override
        void close();
    }

    // The lock the session holds for the job, given back when closed: the pool keeps the session
    // open after close(), so it is unlocked explicitly.
    private static RunningLock heldOn(Connection session, long jobId) {
        return () -> {
            try (session; PreparedStatement unlock = session.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                unlock.setInt(1, RUNNING_JOB_LOCK);
                unlock.setInt(2, Math.toIntExact(jobId));
                unlock.execute();
            } catch (SQLException e) {
                // a session that is gone (a database outage) holds no lock either
                LOG.warnf("Giving back fine-tuning job %d's lock failed: %s", jobId, e.getMessage());
            }
        };
    }

    /**
     * Marks FAILED, with {@code reason}, every RUNNING job that no live process holds (its
     * {@link #insertRunning} lock is free: its server is gone); a job another replica runs stays.
     * Returns how many.
     */
    int failRunning(String reason) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     UPDATE fine_tune_job SET state = 'FAILED', reason = ?, finished_at = now()
                     WHERE state = 'RUNNING' AND pg_try_advisory_xact_lock(?, CAST(id AS INTEGER))""")) {
            update.setString(1, reason);
            update.setInt(2, RUNNING_JOB_LOCK);
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("marking interrupted fine-tuning jobs failed: " + e.getMessage(), e);
        }
    }

    /** Annotation tasks submitted since the latest job was created (all of them before the first job). */
    long annotationsSinceLastJob() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT count(*) FROM annotation_task
                     WHERE state = 'SUBMITTED'
                       AND submitted_at > coalesce((SELECT max(created_at) FROM fine_tune_job), '-infinity')""");
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new PersistenceException("counting new annotations failed: " + e.getMessage(), e);
        }
    }

    private static FineTuneJob job(ResultSet row) throws SQLException {
        String outcome = row.getString("outcome");
        Double loss = (Double) row.getObject("loss");
        return new FineTuneJob(row.getLong("id"), FineTuneJob.State.valueOf(row.getString("state")),
                FineTuneJob.Trigger.valueOf(row.getString("trigger_kind")), row.getString("requested_by"),
                row.getString("parent_version"), row.getInt("epochs"), row.getDouble("learning_rate"),
                (Integer) row.getObject("training_images"), (Integer) row.getObject("validation_images"),
                (Integer) row.getObject("validation_studies"), row.getInt("epoch"), row.getLong("step"),
                loss == null ? Double.NaN : loss, row.getDouble("images_per_second"),
                (Double) row.getObject("validation_map"), (Double) row.getObject("current_map"),
                row.getString("candidate_version"), outcome == null ? null : FineTuneJob.Outcome.valueOf(outcome),
                row.getString("reason"), Jdbc.instant(row, "created_at"), Jdbc.instant(row, "finished_at"));
    }
}
