package org.glean.curation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.curation.AnnotationTask.AnnotatedBox;
import org.glean.curation.AnnotationTask.TaskEvent;
import org.glean.curation.CurationDecision.Outcome;
import org.glean.curation.ScoredStudy.PreAnnotation;
import org.glean.curation.ScoredStudy.ScoredImage;
import org.glean.persistence.Jdbc;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/**
 * The curation tables (db/migration/V5__curation.sql) in plain SQL over JDBC: the queue needs
 * {@code FOR UPDATE SKIP LOCKED} and advisory locks, and transactions that are explicit.
 * Every state change of a task, decision and policy change writes its audit trail row in the
 * same transaction; a task's history is read back from the trail.
 */
final class CurationTables {

    // pg_advisory_xact_lock key that serialises decisions and policy changes across replicas.
    private static final long DECISION_LOCK = 0x676c65616e4355L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<PreAnnotation>> PRE_ANNOTATIONS = new TypeReference<>() { };
    private static final TypeReference<List<AnnotatedBox>> BOXES = new TypeReference<>() { };

    private static final String TASK_COLUMNS = """
            id, study_instance_uid, model_version, informativeness, state, annotator_id, lease_expires_at,
            created_at, submitted_at, skip_reason, class_names""";

    private final DataSource dataSource;
    private final AuditTrail trail;

    CurationTables(DataSource dataSource, AuditTrail trail) {
        this.dataSource = dataSource;
        this.trail = trail;
    }

    /** Runs {@code work} in one transaction; commits when it returns, rolls back when it throws. */
    <T, E extends Exception> T inTransaction(Jdbc.Work<T, E> work) throws E {
        try {
            return Jdbc.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new CurationStorageException(e);
        }
    }

    /** The database failed; nothing of the call was written. */
    static final class CurationStorageException extends RuntimeException {
        CurationStorageException(SQLException cause) {
            super("curation storage failed: " + cause.getMessage(), cause);
        }
    }

    void lockDecisions(Connection connection) throws SQLException {
        Jdbc.advisoryLock(connection, DECISION_LOCK);
    }

    // ---- policies ----

    CurationPolicy currentPolicy(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT * FROM curation_policy ORDER BY version DESC LIMIT 1");
             ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new IllegalStateException("curation_policy is empty; migration V5 inserts the first policy");
            }
            return policy(row);
        }
    }

    CurationPolicy insertPolicy(Connection connection, CurationPolicy.Change change) throws SQLException {
        CurationPolicy policy;
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO curation_policy (informativeness_threshold, budget_per_period, budget_period_seconds,
                                             changed_by, changed_at)
                VALUES (?, ?, ?, ?, now()) RETURNING *""")) {
            insert.setObject(1, change.informativenessThreshold(), Types.DOUBLE);
            insert.setInt(2, change.budgetPerPeriod());
            insert.setLong(3, change.budgetPeriod().toSeconds());
            insert.setString(4, change.changedBy().name());
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                policy = policy(row);
            }
        }
        trail.append(connection, AuditEntry.of(change.changedBy(), AuditAction.POLICY_CHANGED)
                .target("policy " + policy.version()).detail("now in force: " + policy.describe()));
        return policy;
    }

    private static CurationPolicy policy(ResultSet row) throws SQLException {
        return new CurationPolicy(row.getLong("version"), row.getObject("informativeness_threshold", Double.class),
                row.getInt("budget_per_period"), Duration.ofSeconds(row.getLong("budget_period_seconds")),
                row.getString("changed_by"), Jdbc.instant(row, "changed_at"));
    }

    // ---- decisions ----

    Optional<CurationDecision> decision(Connection connection, String studyInstanceUid, String modelVersion)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT d.study_instance_uid, d.model_version, d.informativeness, d.outcome, d.reason, d.task_id,
                       d.decided_at, p.*
                FROM curation_decision d JOIN curation_policy p ON p.version = d.policy_version
                WHERE d.study_instance_uid = ? AND d.model_version = ?""")) {
            select.setString(1, studyInstanceUid);
            select.setString(2, modelVersion);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CurationDecision(row.getString("study_instance_uid"),
                        row.getString("model_version"), row.getDouble("informativeness"),
                        Outcome.valueOf(row.getString("outcome")), row.getString("reason"),
                        row.getObject("task_id", Long.class), policy(row), Jdbc.instant(row, "decided_at")));
            }
        }
    }

    void insertDecision(Connection connection, CurationDecision decision) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO curation_decision (study_instance_uid, model_version, informativeness, outcome, reason,
                                               task_id, policy_version, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, decision.studyInstanceUid());
            insert.setString(2, decision.modelVersion());
            insert.setDouble(3, decision.informativeness());
            insert.setString(4, decision.outcome().name());
            insert.setString(5, decision.reason());
            insert.setObject(6, decision.taskId(), Types.BIGINT);
            insert.setLong(7, decision.policy().version());
            insert.setObject(8, Jdbc.timestamp(decision.decidedAt()));
            insert.executeUpdate();
        }
        trail.append(connection, AuditEntry.of(Actor.GLEAN, AuditAction.DECIDED).study(decision.studyInstanceUid())
                .task(decision.taskId()).detail(decision.outcome() + " for model " + decision.modelVersion() + ": "
                        + decision.reason()));
    }

    // ---- the budget ----

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

    // ---- tasks ----

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
        insertImages(connection, taskId, study.images());
        audit(connection, Actor.GLEAN, AuditAction.QUEUED, taskId, study.studyInstanceUid(), null, TaskState.QUEUED,
                reason);
        return taskId;
    }

    /** The task's frames with the model's objects as pre-annotations, not annotated yet. */
    private static void insertImages(Connection connection, long taskId, List<ScoredImage> images)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO task_image (task_id, position, sop_instance_uid, frame, pixel_rows, pixel_columns,
                                        informativeness, pre_annotations)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
            for (int position = 0; position < images.size(); position++) {
                ScoredImage image = images.get(position);
                insert.setLong(1, taskId);
                insert.setInt(2, position);
                insert.setString(3, image.sopInstanceUid());
                insert.setInt(4, image.frame());
                insert.setInt(5, image.rows());
                insert.setInt(6, image.columns());
                insert.setDouble(7, image.informativeness());
                insert.setString(8, json(image.objects()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Gives a waiting task the informativeness, frames and pre-annotations of its study's new
     * scoring, so that it takes its place in the queue under the model that scored it.
     */
    void rescore(Connection connection, AnnotationTask task, ScoredStudy study, List<String> classNames)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE annotation_task SET model_version = ?, informativeness = ?, class_names = ? WHERE id = ?""");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM task_image WHERE task_id = ?")) {
            update.setString(1, study.modelVersion());
            update.setDouble(2, study.informativeness());
            update.setArray(3, connection.createArrayOf("text", classNames.toArray()));
            update.setLong(4, task.id());
            update.executeUpdate();
            delete.setLong(1, task.id());
            delete.executeUpdate();
        }
        insertImages(connection, task.id(), study.images());
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
                return Optional.of(summary(row, images(connection, taskId), history(connection, taskId)));
            }
        }
    }

    CurationService.DeletedTasks deleteTasksOf(Connection connection, String studyInstanceUid) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("""
                WITH tasks AS (
                    SELECT id, state FROM annotation_task WHERE study_instance_uid = ? FOR UPDATE),
                images AS (
                    DELETE FROM task_image WHERE task_id IN (SELECT id FROM tasks)),
                decisions AS (
                    DELETE FROM curation_decision WHERE study_instance_uid = ?),
                deleted AS (
                    DELETE FROM annotation_task WHERE id IN (SELECT id FROM tasks) RETURNING state)
                SELECT count(*), count(*) FILTER (WHERE state = 'SUBMITTED') FROM deleted""")) {
            delete.setString(1, studyInstanceUid);
            delete.setString(2, studyInstanceUid);
            try (ResultSet row = delete.executeQuery()) {
                row.next();
                return new CurationService.DeletedTasks(row.getInt(1), row.getInt(2));
            }
        }
    }

    boolean isInSubmittedTask(Connection connection, String sopInstanceUid) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM task_image i JOIN annotation_task t ON t.id = i.task_id
                               WHERE i.sop_instance_uid = ? AND t.state = 'SUBMITTED')""")) {
            select.setString(1, sopInstanceUid);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBoolean(1);
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

    /** Stores the boxes of every frame of the task: the listed ones, and no findings for the others. */
    void recordAnnotation(Connection connection, AnnotationTask task, List<ImageAnnotation> annotations)
            throws SQLException {
        Map<String, List<AnnotatedBox>> boxes = new HashMap<>();
        annotations.forEach(image -> boxes.put(SubmissionCheck.key(image.sopInstanceUid(), image.frame()),
                image.boxes()));
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE task_image SET annotation = ?::jsonb
                WHERE task_id = ? AND sop_instance_uid = ? AND frame = ?""")) {
            for (AnnotationTask.Image image : task.images()) {
                update.setString(1, json(boxes.getOrDefault(SubmissionCheck.key(image.sopInstanceUid(), image.frame()),
                        List.of())));
                update.setLong(2, task.id());
                update.setString(3, image.sopInstanceUid());
                update.setInt(4, image.frame());
                update.addBatch();
            }
            update.executeBatch();
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

    private List<AnnotationTask.Image> images(Connection connection, long taskId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT sop_instance_uid, frame, pixel_rows, pixel_columns, informativeness, pre_annotations::text,
                       annotation::text
                FROM task_image WHERE task_id = ? ORDER BY position""")) {
            select.setLong(1, taskId);
            List<AnnotationTask.Image> images = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String annotation = row.getString(7);
                    images.add(new AnnotationTask.Image(row.getString(1), row.getInt(2), row.getInt(3),
                            row.getInt(4), row.getDouble(5), parse(row.getString(6), PRE_ANNOTATIONS),
                            annotation == null ? null : parse(annotation, BOXES)));
                }
            }
            return images;
        }
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

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write boxes as JSON", e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored boxes are not valid JSON", e);
        }
    }
}
