package org.glean.pacs;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;

/**
 * The outbox in PostgreSQL (tables pacs_outbox_document and pacs_outbox_delivery): each generated
 * document once, with one delivery per destination that takes it. A delivery is claimed with
 * {@code FOR UPDATE SKIP LOCKED} in a transaction that stays open while it is sent and is marked
 * in that same transaction, so that replicas never send the same row at once, and a process that
 * dies mid-send leaves the row as it was, to be sent again. Times come from the database's clock.
 */
@ApplicationScoped
public class Outbox {

    private static final int MAX_ERROR = 1000;

    private final DataSource dataSource;

    public Outbox(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A document to deliver.
     *
     * @param modelVersion the model version of the analysis or task it comes from
     * @param taskId       the annotation task of an annotation's SR; null for the other kinds
     */
    public record OutgoingDocument(String sopInstanceUid, String studyInstanceUid, DocumentKind kind,
                                   String sopClassUid, byte[] part10, String modelVersion, Long taskId) {
    }

    /** Where a walk over recent results stands: after {@code at}, then after {@code id}. */
    public record Position(Instant at, long id) {

        public static final Position START = new Position(Instant.EPOCH, 0);
    }

    /**
     * A result that some destination taking it has no delivery of.
     *
     * @param taskId the submitted task, for an annotation; null for a scored study
     */
    public record Gap(Position position, String studyInstanceUid, String modelVersion, Long taskId) {
    }

    /** The delivery state of a document to a destination. */
    public enum State {
        /** Not tried yet. */
        PENDING,
        /** Tried and failed; tried again at its next attempt time. */
        RETRYING,
        /** The destination accepted it. */
        DELIVERED,
        /** Failed {@code glean.pacs.outbox.max-attempts} times; not tried again until queued again. */
        FAILED;

        /** The state by its name, or IllegalArgumentException naming the states. */
        public static State named(String name) {
            try {
                return valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state " + name
                        + " is not one of PENDING, RETRYING, DELIVERED, FAILED", e);
            }
        }
    }

    /** What asking to queue a delivery again did. */
    public enum Requeue {
        /** It was FAILED and is PENDING now, due at once, with its attempts counted from 0 again. */
        QUEUED,
        /** It is not FAILED (it is still tried, or delivered); nothing changed. */
        NOT_FAILED,
        /** No delivery has this number. */
        NOT_FOUND
    }

    /**
     * One delivery as listed.
     *
     * @param lastError     why the last attempt failed; null when none did or it was delivered since
     * @param nextAttemptAt when it is tried (again); meaningless once delivered
     * @param deliveredAt   null until delivered
     */
    public record Entry(long id, String destination, String sopInstanceUid, String studyInstanceUid,
                        DocumentKind kind, State state, int attempts, String lastError, Instant createdAt,
                        Instant nextAttemptAt, Instant deliveredAt) {
    }

    /** A delivery claimed for sending, with the document's bytes. */
    public record Claimed(long id, String sopInstanceUid, int attempts, byte[] part10) {
    }

    /** What to list; null fields do not filter. */
    public record Filter(String destination, State state, String studyInstanceUid, int limit) {

        public static final int MAX_LIMIT = 10_000;

        public Filter {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
            }
        }
    }

    /**
     * Records a document and a delivery of it for each of {@code destinations}, in one
     * transaction. A document or delivery recorded before (the same SOPInstanceUID) stays as it is.
     *
     * @return the number of deliveries added
     */
    public int add(OutgoingDocument document, Collection<String> destinations) {
        return inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO pacs_outbox_document (sop_instance_uid, study_instance_uid, kind, sop_class_uid,
                        part10, created_at, model_version, task_id)
                    VALUES (?, ?, ?, ?, ?, now(), ?, ?)
                    ON CONFLICT (sop_instance_uid) DO UPDATE
                        SET model_version = EXCLUDED.model_version, task_id = EXCLUDED.task_id
                        WHERE pacs_outbox_document.model_version IS NULL""")) {
                // A document written before its cause was recorded (V15) gets it now.
                insert.setString(1, document.sopInstanceUid());
                insert.setString(2, document.studyInstanceUid());
                insert.setString(3, document.kind().code());
                insert.setString(4, document.sopClassUid());
                insert.setBytes(5, document.part10());
                insert.setString(6, document.modelVersion());
                insert.setObject(7, document.taskId(), java.sql.Types.BIGINT);
                insert.executeUpdate();
            }
            int added = 0;
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO pacs_outbox_delivery (destination, sop_instance_uid, state, next_attempt_at,
                        created_at)
                    VALUES (?, ?, 'PENDING', now(), now()) ON CONFLICT DO NOTHING""")) {
                for (String destination : destinations) {
                    insert.setString(1, destination);
                    insert.setString(2, document.sopInstanceUid());
                    added += insert.executeUpdate();
                }
            }
            if (added > 0) {
                // A document delivered everywhere before has given up its bytes; a new destination needs them.
                try (PreparedStatement refill = connection.prepareStatement(
                        "UPDATE pacs_outbox_document SET part10 = ? WHERE sop_instance_uid = ? AND part10 IS NULL")) {
                    refill.setBytes(1, document.part10());
                    refill.setString(2, document.sopInstanceUid());
                    refill.executeUpdate();
                }
            }
            return added;
        });
    }

    /**
     * The destination's delivery that has waited longest among those due now, locked for this
     * transaction; other transactions skip it.
     */
    public Optional<Claimed> claimDue(Connection connection, String destination) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT d.id, d.sop_instance_uid, d.attempts, doc.part10
                FROM pacs_outbox_delivery d JOIN pacs_outbox_document doc USING (sop_instance_uid)
                WHERE d.destination = ? AND d.state IN ('PENDING', 'RETRYING') AND d.next_attempt_at <= now()
                ORDER BY d.next_attempt_at, d.id
                LIMIT 1
                FOR UPDATE OF d SKIP LOCKED""")) {
            select.setString(1, destination);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Claimed(row.getLong(1), row.getString(2), row.getInt(3), row.getBytes(4)));
            }
        }
    }

    /** Marks a claimed delivery done; the document gives up its bytes once no delivery of it waits. */
    public void markDelivered(Connection connection, Claimed claimed) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE pacs_outbox_delivery SET state = 'DELIVERED', attempts = attempts + 1, last_error = NULL,
                    delivered_at = now()
                WHERE id = ?""")) {
            update.setLong(1, claimed.id());
            update.executeUpdate();
        }
        try (PreparedStatement forget = connection.prepareStatement("""
                UPDATE pacs_outbox_document doc SET part10 = NULL
                WHERE sop_instance_uid = ? AND NOT EXISTS (SELECT 1 FROM pacs_outbox_delivery d
                    WHERE d.sop_instance_uid = doc.sop_instance_uid AND d.state <> 'DELIVERED')""")) {
            forget.setString(1, claimed.sopInstanceUid());
            forget.executeUpdate();
        }
    }

    /**
     * Records a failed attempt at a claimed delivery: it is due again after {@code retryAfter},
     * or, when this was attempt {@code maxAttempts}, it is FAILED and no longer tried.
     *
     * @return true when it is FAILED now
     */
    public boolean markFailed(Connection connection, Claimed claimed, String error, Duration retryAfter,
            int maxAttempts) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE pacs_outbox_delivery SET attempts = attempts + 1, last_error = ?,
                    state = CASE WHEN attempts + 1 >= ? THEN 'FAILED' ELSE 'RETRYING' END,
                    next_attempt_at = now() + make_interval(secs => ?)
                WHERE id = ?
                RETURNING state""")) {
            update.setString(1, error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error);
            update.setInt(2, maxAttempts);
            update.setDouble(3, retryAfter.toMillis() / 1000.0);
            update.setLong(4, claimed.id());
            try (ResultSet row = update.executeQuery()) {
                return row.next() && State.FAILED.name().equals(row.getString(1));
            }
        }
    }

    /** Queues a FAILED delivery again: PENDING, due now, its attempts counted from 0; its last error stays. */
    public Requeue requeue(long id) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE pacs_outbox_delivery SET state = 'PENDING', attempts = 0, next_attempt_at = now()
                    WHERE id = ? AND state = 'FAILED'""")) {
                update.setLong(1, id);
                if (update.executeUpdate() == 1) {
                    return Requeue.QUEUED;
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM pacs_outbox_delivery WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Requeue.NOT_FAILED : Requeue.NOT_FOUND;
                }
            }
        });
    }

    /**
     * Removes the study's documents with their deliveries, in the caller's transaction (the
     * study's deletion): what was not delivered yet is never sent, and no patient data of the
     * study stays here.
     *
     * @return the number of documents removed
     */
    public int deleteOfStudy(Connection connection, String studyInstanceUid) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM pacs_outbox_document WHERE study_instance_uid = ?")) {
            delete.setString(1, studyInstanceUid);
            return delete.executeUpdate();
        }
    }

    /**
     * Scored studies after {@code after}, analysed within {@code window}, whose latest analysis
     * (with at least one frame) lacks a delivery of its report to one of {@code forReports}, or,
     * when curation queued it under that model version, of its selection to one of
     * {@code forSelections}; at most {@code limit}, the oldest analysis first.
     */
    public List<Gap> scoredGaps(Position after, Duration window, Collection<String> forReports,
            Collection<String> forSelections, int limit) {
        return inTransaction(connection -> gaps(connection, """
                SELECT a.analysed_at, s.id, s.study_instance_uid, a.model_version, NULL::bigint
                FROM study_analysis a JOIN study s ON s.id = a.study_id
                WHERE a.analysed_at > now() - make_interval(secs => ?) AND (a.analysed_at, a.study_id) > (?, ?)
                    AND NOT EXISTS (SELECT 1 FROM study_analysis later WHERE later.study_id = a.study_id
                        AND (later.analysed_at, later.id) > (a.analysed_at, a.id))
                    AND jsonb_array_length(a.scores -> 'images') > 0
                    AND (EXISTS (SELECT 1 FROM unnest(?::text[]) AS wanted(destination) WHERE NOT EXISTS (
                            SELECT 1 FROM pacs_outbox_document doc JOIN pacs_outbox_delivery d USING (sop_instance_uid)
                            WHERE doc.study_instance_uid = s.study_instance_uid AND doc.kind = 'sr'
                                AND doc.model_version = a.model_version AND d.destination = wanted.destination))
                        OR EXISTS (SELECT 1 FROM curation_decision c WHERE c.study_instance_uid = s.study_instance_uid
                                AND c.model_version = a.model_version AND c.outcome = 'QUEUED')
                            AND EXISTS (SELECT 1 FROM unnest(?::text[]) AS wanted(destination) WHERE NOT EXISTS (
                                SELECT 1 FROM pacs_outbox_document doc
                                JOIN pacs_outbox_delivery d USING (sop_instance_uid)
                                WHERE doc.study_instance_uid = s.study_instance_uid AND doc.kind = 'kos'
                                    AND doc.model_version = a.model_version AND d.destination = wanted.destination)))
                ORDER BY a.analysed_at, a.study_id
                LIMIT ?""", after, window, limit, forReports, forSelections));
    }

    /**
     * Annotation tasks after {@code after}, submitted within {@code window}, that lack a delivery
     * of their SR to one of {@code destinations}; at most {@code limit}, the oldest submission first.
     */
    public List<Gap> annotationGaps(Position after, Duration window, Collection<String> destinations, int limit) {
        return inTransaction(connection -> gaps(connection, """
                SELECT t.submitted_at, t.id, t.study_instance_uid, t.model_version, t.id
                FROM annotation_task t
                WHERE t.state = 'SUBMITTED' AND t.submitted_at > now() - make_interval(secs => ?)
                    AND (t.submitted_at, t.id) > (?, ?)
                    AND EXISTS (SELECT 1 FROM unnest(?::text[]) AS wanted(destination) WHERE NOT EXISTS (
                        SELECT 1 FROM pacs_outbox_document doc JOIN pacs_outbox_delivery d USING (sop_instance_uid)
                        WHERE doc.task_id = t.id AND doc.kind = 'annotation-sr' AND d.destination = wanted.destination))
                ORDER BY t.submitted_at, t.id
                LIMIT ?""", after, window, limit, destinations));
    }

    // The query's parameters: window, position, then one text array per destination set, then the limit.
    @SafeVarargs
    private static List<Gap> gaps(Connection connection, String sql, Position after, Duration window, int limit,
            Collection<String>... destinationSets) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int parameter = 1;
            select.setDouble(parameter++, window.toMillis() / 1000.0);
            select.setObject(parameter++, Jdbc.timestamp(after.at()));
            select.setLong(parameter++, after.id());
            for (Collection<String> destinations : destinationSets) {
                select.setArray(parameter++, connection.createArrayOf("text", destinations.toArray()));
            }
            select.setInt(parameter, limit);
            List<Gap> gaps = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    long taskId = row.getLong(5);
                    gaps.add(new Gap(new Position(Jdbc.instant(row, 1), row.getLong(2)), row.getString(3),
                            row.getString(4), row.wasNull() ? null : taskId));
                }
            }
            return gaps;
        }
    }

    /** Deliveries that match, the newest first. */
    public List<Entry> list(Filter filter) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT d.id, d.destination, d.sop_instance_uid, doc.study_instance_uid, doc.kind, d.state,
                        d.attempts, d.last_error, d.created_at, d.next_attempt_at, d.delivered_at
                    FROM pacs_outbox_delivery d JOIN pacs_outbox_document doc USING (sop_instance_uid)
                    WHERE (?::text IS NULL OR d.destination = ?) AND (?::text IS NULL OR d.state = ?)
                        AND (?::text IS NULL OR doc.study_instance_uid = ?)
                    ORDER BY d.id DESC
                    LIMIT ?""")) {
                String state = filter.state() == null ? null : filter.state().name();
                select.setString(1, filter.destination());
                select.setString(2, filter.destination());
                select.setString(3, state);
                select.setString(4, state);
                select.setString(5, filter.studyInstanceUid());
                select.setString(6, filter.studyInstanceUid());
                select.setInt(7, filter.limit());
                List<Entry> entries = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        entries.add(new Entry(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                                DocumentKind.ofCode(row.getString(5)), State.valueOf(row.getString(6)), row.getInt(7),
                                row.getString(8), Jdbc.instant(row, 9), Jdbc.instant(row, 10),
                                Jdbc.instant(row, 11)));
                    }
                }
                return entries;
            }
        });
    }

    /** Runs {@code work} in a transaction of its own: commits when it returns, rolls back when it throws. */
    public <T> T inTransaction(Jdbc.Work<T, RuntimeException> work) {
        try {
            return Jdbc.inTransaction(dataSource, work);
        } catch (SQLException e) {
            // By its state only: PostgreSQL's message may quote a row's values.
            throw new IllegalStateException("the PACS outbox could not be read or written (SQLState "
                    + e.getSQLState() + ")", e);
        }
    }
}
