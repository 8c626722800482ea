package org.glean.curation;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.glean.curation.AnnotationTask.TaskEvent;
import org.glean.persistence.Jdbc;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/**
 * The annotation tasks (table annotation_task, db/migration/V5__curation.sql), in the caller's
 * transaction: the queue, leases, the budget's counts. Plain JDBC for what Panache cannot say:
 * claims take {@code FOR UPDATE SKIP LOCKED}, expiry moves tasks and writes their audit rows in
 * one statement. Every state change writes its audit trail row in the same transaction; a
 * task's history is read back from the trail.
 */
@ApplicationScoped
class TaskRepository {

    private static final String TASK_COLUMNS = """
            id, study_instance_uid, model_version, informativeness, state, annotator_id, lease_expires_at,
            created_at, submitted_at, skip_reason, class_names""";

    private final TaskImageRepository images;
    private final AuditTrail trail;

    TaskRepository(TaskImageRepository images, AuditTrail trail) {
        this.images = images;
        this.trail = trail;
    }

    /** Tasks created in the period that count against the budget: all but the displaced ones. */
    long budgetUsed(Connection connection, Instant periodStart, Instant periodEnd) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("""
                SELECT count(*) FROM annotation_task
                WHERE created_at >= ? AND created_at < ? AND displaced_by IS NULL""")) {
            count.setObject(1, Jdbc.timestamp(periodStart));
            count.setObject(2, Jdbc.timestamp(periodEnd));
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** The least informative task of the period still waiting (newest first among equals), locked. */
    Optional<AnnotationTask> leastInformativeWaiting(Connection connection, Instant periodStart, Instant periodEnd)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + TASK_COLUMNS + """
                 FROM annotation_task
                WHERE created_at >= ? AND created_at < ? AND state IN ('QUEUED', 'EXPIRED')
                ORDER BY informativeness, id DESC LIMIT 1 FOR UPDATE""")) {
            select.setObject(1, Jdbc.timestamp(periodStart));
            select.setObject(2, Jdbc.timestamp(periodEnd));
            return first(select);
        }
    }

    void displace(Connection connection, long displacedTaskId, long byTaskId, CurationPolicy policy)
            throws SQLException {
        String reason = "displaced by the more informative task " + byTaskId + " within the budget of "
                + policy.describe();
        TaskState before;
        String studyInstanceUid;
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE annotation_task t SET state = 'SKIPPED', skip_reason = ?, displaced_by = ?
                FROM (SELECT id, state FROM annotation_task WHERE id = ?) old WHERE t.id = old.id
                RETURNING old.state, t.study_instance_uid""")) {
            update.setString(1, reason);
            update.setLong(2, byTaskId);
            update.setLong(3, displacedTaskId);
            try (ResultSet row = update.executeQuery()) {
                row.next();
                before = TaskState.valueOf(row.getString(1));
                studyInstanceUid = row.getString(2);
            }
        }
        audit(connection, Actor.GLEAN, AuditAction.DISPLACED, displacedTaskId, studyInstanceUid, before,
                TaskState.SKIPPED, reason);
    }

    long insertTask(Connection connection, ScoredStudy study, List<String> classNames, Instant now, String reason)
            throws SQLException {
        long taskId;
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO annotation_task (study_instance_uid, model_version, informativeness, class_names, state,
                                             created_at)
                VALUES (?, ?, ?, ?, 'QUEUED', ?) RETURNING id""")) {
            insert.setString(1, study.studyInstanceUid());
            insert.setString(2, study.modelVersion());
            insert.setDouble(3, study.informativeness());
            insert.setArray(4, connection.createArrayOf("text", classNames.toArray()));
            insert.setObject(5, Jdbc.timestamp(now));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                taskId = row.getLong(1);
            }
        }
        images.insert(connection, taskId, study.images());
        audit(connection, Actor.GLEAN, AuditAction.QUEUED, taskId, study.studyInstanceUid(), null, TaskState.QUEUED,
                reason);
        return taskId;
    }

    /**
     * Gives a waiting task the informativeness, frames and pre-annotations of its study's new
     * scoring, so that it takes its place in the queue under the model that scored it.
     */
    void rescore(Connection connection, AnnotationTask task, ScoredStudy study, List<String> classNames)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE annotation_task SET model_version = ?, informativeness = ?, class_names = ? WHERE id = ?""")) {
            update.setString(1, study.modelVersion());
            update.setDouble(2, study.informativeness());
            update.setArray(3, connection.createArrayOf("text", classNames.toArray()));
            update.setLong(4, task.id());
            update.executeUpdate();
        }
        images.replace(connection, task.id(), study.images());
        audit(connection, Actor.GLEAN, AuditAction.RESCORED, task.id(), task.studyInstanceUid(), task.state(),
                task.state(),
                "informativeness " + task.informativeness() + " under model " + task.modelVersion() + " became "
                        + study.informativeness() + " under model " + study.modelVersion());
    }

    Optional<AnnotationTask> openTask(Connection connection, String studyInstanceUid) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + TASK_COLUMNS + """
                 FROM annotation_task
                WHERE study_instance_uid = ? AND state IN ('QUEUED', 'CLAIMED', 'EXPIRED')""")) {
            select.setString(1, studyInstanceUid);
            return first(select);
        }
    }

    Optional<Long> submittedTask(Connection connection, String studyInstanceUid) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id FROM annotation_task WHERE study_instance_uid = ? AND state = 'SUBMITTED'
                ORDER BY id LIMIT 1""")) {
            select.setString(1, studyInstanceUid);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
            }
        }
    }

    List<AnnotationTask> waitingTasks(Connection connection, int limit) throws SQLException {
        return tasks(connection, "state IN ('QUEUED', 'EXPIRED') ORDER BY informativeness DESC, id", limit);
    }

    /** CLAIMED tasks, the lease that ends first first. */
    List<AnnotationTask> claimedTasks(Connection connection, int limit) throws SQLException {
        return tasks(connection, "state = 'CLAIMED' ORDER BY lease_expires_at, id", limit);
    }

    /** SUBMITTED tasks, the latest first. */
    List<AnnotationTask> latestSubmittedTasks(Connection connection, int limit) throws SQLException {
        return tasks(connection, "state = 'SUBMITTED' ORDER BY submitted_at DESC, id DESC", limit);
    }

    // Summaries; the condition and order name the states as literals, for the partial indexes of V5.
    private List<AnnotationTask> tasks(Connection connection, String whereAndOrder, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + TASK_COLUMNS
                + " FROM annotation_task WHERE " + whereAndOrder + " LIMIT ?")) {
            select.setInt(1, limit);
            List<AnnotationTask> tasks = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    tasks.add(summary(row, List.of(), List.of()));
                }
            }
            return tasks;
        }
    }

    // The states as literals, so that the planner counts over the partial indexes of V5.
    long waitingCount(Connection connection) throws SQLException {
        return count(connection, "SELECT count(*) FROM annotation_task WHERE state IN ('QUEUED', 'EXPIRED')");
    }

    long submittedCount(Connection connection) throws SQLException {
        return count(connection, "SELECT count(*) FROM annotation_task WHERE state = 'SUBMITTED'");
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(sql); ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /**
     * Leases the first waiting task that no other transaction holds: concurrent claimers, on
     * this server or another, each get a different task.
     */
    Optional<Long> claimFirstWaiting(Connection connection, Actor annotator, Duration lease) throws SQLException {
        long taskId;
        TaskState before;
        String studyInstanceUid;
        Instant leaseEnd;
        try (PreparedStatement claim = connection.prepareStatement("""
                WITH next AS (
                    SELECT id, state FROM annotation_task WHERE state IN ('QUEUED', 'EXPIRED')
                    ORDER BY informativeness DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE annotation_task t
                SET state = 'CLAIMED', annotator_id = ?, lease_expires_at = now() + make_interval(secs => ?)
                FROM next WHERE t.id = next.id
                RETURNING t.id, next.state, t.study_instance_uid, t.lease_expires_at""")) {
            claim.setString(1, annotator.name());
            claim.setDouble(2, lease.toMillis() / 1000.0);
            try (ResultSet row = claim.executeQuery()) {
                if (!row.next()) {
                    trail.append(connection, AuditEntry.of(annotator, AuditAction.CLAIMED)
                            .detail("no task waits in the queue"));
                    return Optional.empty();
                }
                taskId = row.getLong(1);
                before = TaskState.valueOf(row.getString(2));
                studyInstanceUid = row.getString(3);
                leaseEnd = Jdbc.instant(row, 4);
            }
        }
        audit(connection, annotator, AuditAction.CLAIMED, taskId, studyInstanceUid, before, TaskState.CLAIMED,
                "leased until " + leaseEnd);
        return Optional.of(taskId);
    }

    /** Sets the held task's lease to end {@code lease} from now, recording it (CLAIMED to CLAIMED). */
    void renewLease(Connection connection, AnnotationTask task, Actor annotator, Duration lease) throws SQLException {
        Instant leaseEnd;
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE annotation_task SET lease_expires_at = now() + make_interval(secs => ?) WHERE id = ?
                RETURNING lease_expires_at""")) {
            update.setDouble(1, lease.toMillis() / 1000.0);
            update.setLong(2, task.id());
            try (ResultSet row = update.executeQuery()) {
                row.next();
                leaseEnd = Jdbc.instant(row, 1);
            }
        }
        audit(connection, annotator, AuditAction.LEASE_RENEWED, task.id(), task.studyInstanceUid(), task.state(),
                TaskState.CLAIMED, "leased until " + leaseEnd);
    }

    /** Returns every task whose lease ran out to the queue as EXPIRED, recording it; skips tasks other calls hold. */
    int expireLeases(Connection connection) throws SQLException {
        try (PreparedStatement expire = connection.prepareStatement("""
                WITH overdue AS (
                    SELECT id, annotator_id, study_instance_uid, lease_expires_at FROM annotation_task
                    WHERE state = 'CLAIMED' AND lease_expires_at <= now() FOR UPDATE SKIP LOCKED),
                expired AS (
                    UPDATE annotation_task t SET state = 'EXPIRED', annotator_id = NULL, lease_expires_at = NULL
                    FROM overdue WHERE t.id = overdue.id
                    RETURNING overdue.id, overdue.annotator_id, overdue.study_instance_uid, overdue.lease_expires_at)
                INSERT INTO audit_trail (actor, action, outcome, study, task_id, from_state, to_state, detail)
                SELECT 'glean', 'EXPIRED', 'OK', audit_study_ref(study_instance_uid), id, 'CLAIMED', 'EXPIRED',
                       'the lease of ' || annotator_id || ' ran out at '
                       || to_char(lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                       || '; the task waits in the queue again'
                FROM expired ORDER BY id""")) {
            return expire.executeUpdate();
        }
    }

    Optional<AnnotationTask> findTask(Connection connection, long taskId) throws SQLException {
        return task(connection, taskId, "");
    }

    /** The task with its row locked until the transaction ends. */
    AnnotationTask lockTask(Connection connection, long taskId) throws SQLException, TaskNotFoundException {
        return task(connection, taskId, " FOR UPDATE").orElseThrow(() -> new TaskNotFoundException(taskId));
    }

    private Optional<AnnotationTask> task(Connection connection, long taskId, String lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + TASK_COLUMNS + " FROM annotation_task WHERE id = ?" + lock)) {
            select.setLong(1, taskId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(summary(row, images.ofTask(connection, taskId), history(connection, taskId)));
            }
        }
    }

    /** Deletes every task of the study with its frames (delete the decisions that name them first). */
    CurationService.DeletedTasks deleteOfStudy(Connection connection, String studyInstanceUid) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("""
                WITH tasks AS (
                    SELECT id, state FROM annotation_task WHERE study_instance_uid = ? FOR UPDATE),
                images AS (
                    DELETE FROM task_image WHERE task_id IN (SELECT id FROM tasks)),
                deleted AS (
                    DELETE FROM annotation_task WHERE id IN (SELECT id FROM tasks) RETURNING state)
                SELECT count(*), count(*) FILTER (WHERE state = 'SUBMITTED') FROM deleted""")) {
            delete.setString(1, studyInstanceUid);
            try (ResultSet row = delete.executeQuery()) {
                row.next();
                return new CurationService.DeletedTasks(row.getInt(1), row.getInt(2));
            }
        }
    }

    List<Long> submittedTaskIds(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM annotation_task WHERE state = 'SUBMITTED' ORDER BY submitted_at, id");
             ResultSet rows = select.executeQuery()) {
            List<Long> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
            return ids;
        }
    }

    /**
     * Moves a task held by {@code actor} to {@code to}: back to the queue (the lease and holder
     * cleared), or done (SUBMITTED or SKIPPED, the holder kept; for SKIPPED {@code detail} is the
     * skip reason).
     */
    void transition(Connection connection, AnnotationTask task, TaskState to, Actor actor, AuditAction action,
            String detail) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE annotation_task
                SET state = ?, annotator_id = ?, lease_expires_at = NULL,
                    submitted_at = CASE WHEN ? THEN now() ELSE submitted_at END, skip_reason = ?
                WHERE id = ?""")) {
            update.setString(1, to.name());
            update.setString(2, to == TaskState.QUEUED ? null : actor.name());
            update.setBoolean(3, to == TaskState.SUBMITTED);
            update.setString(4, to == TaskState.SKIPPED ? detail : null);
            update.setLong(5, task.id());
            update.executeUpdate();
        }
        audit(connection, actor, action, task.id(), task.studyInstanceUid(), task.state(), to, detail);
    }

    private List<TaskEvent> history(Connection connection, long taskId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT occurred_at, actor, action, from_state, to_state, detail
                FROM audit_trail WHERE task_id = ? AND to_state IS NOT NULL ORDER BY id""")) {
            select.setLong(1, taskId);
            List<TaskEvent> events = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String from = row.getString(4);
                    events.add(new TaskEvent(Jdbc.instant(row, 1), row.getString(2), row.getString(3),
                            from == null ? null : TaskState.valueOf(from), TaskState.valueOf(row.getString(5)),
                            row.getString(6)));
                }
            }
            return events;
        }
    }

    private static Optional<AnnotationTask> first(PreparedStatement select) throws SQLException {
        try (ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(summary(row, List.of(), List.of())) : Optional.empty();
        }
    }

    private static AnnotationTask summary(ResultSet row, List<AnnotationTask.Image> images, List<TaskEvent> history)
            throws SQLException {
        return new AnnotationTask(row.getLong("id"), row.getString("study_instance_uid"),
                row.getString("model_version"), row.getDouble("informativeness"),
                TaskState.valueOf(row.getString("state")), row.getString("annotator_id"),
                Jdbc.instant(row, "lease_expires_at"), Jdbc.instant(row, "created_at"),
                Jdbc.instant(row, "submitted_at"),
                row.getString("skip_reason"), List.of((String[]) row.getArray("class_names").getArray()), images,
                history);
    }

    private void audit(Connection connection, Actor actor, AuditAction action, long taskId, String studyInstanceUid,
            TaskState from, TaskState to, String detail) throws SQLException {
        trail.append(connection, AuditEntry.of(actor, action).study(studyInstanceUid).task(taskId)
                .transition(from == null ? null : from.name(), to.name()).detail(detail));
    }
}
