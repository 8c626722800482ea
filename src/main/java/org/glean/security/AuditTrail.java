package org.glean.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;

/**
 * The audit trail (db/migration/V8__audit_trail.sql): one append-only table, each row carrying
 * the SHA-256 of the previous row's hash and its own content, so that changing or removing any
 * row breaks the chain from there on. The database chains every insert under a lock held until
 * commit, so concurrent writers append one after another; rows are therefore best written last
 * in their transaction. Read back and verified here.
 */
@ApplicationScoped
public class AuditTrail {

    /** The previous hash of the first row. */
    static final String GENESIS = "0".repeat(64);
    public static final int MAX_LIST = 10_000;
    // Rows read per round trip while verifying: the whole trail never sits in memory.
    private static final int VERIFY_FETCH = 1000;

    private final DataSource dataSource;

    public AuditTrail(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Appends the entries within the caller's transaction: they commit or roll back with the
     * change they record. Holds the trail's lock until that transaction ends, so call it last.
     */
    public void append(Connection connection, List<AuditEntry> entries) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO audit_trail (actor, peer, action, outcome, study, task_id, target, from_state, to_state,
                                         detail)
                VALUES (?, ?, ?, ?, audit_study_ref(?), ?, ?, ?, ?, ?)""")) {
            for (AuditEntry entry : entries) {
                insert.setString(1, entry.actor().name());
                insert.setString(2, entry.actor().peer());
                insert.setString(3, entry.action().name());
                insert.setString(4, entry.outcome());
                insert.setString(5, entry.studyInstanceUid());
                insert.setObject(6, entry.taskId(), Types.BIGINT);
                insert.setString(7, entry.target());
                insert.setString(8, entry.fromState());
                insert.setString(9, entry.toState());
                insert.setString(10, entry.detail());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** {@link #append(Connection, List)} of one entry. */
    public void append(Connection connection, AuditEntry entry) throws SQLException {
        append(connection, List.of(entry));
    }

    /** Appends one entry in a transaction of its own: for reads and refusals, which change nothing else. */
    public void append(AuditEntry entry) {
        append(List.of(entry));
    }

    /** Appends the entries, all or none, in a transaction of their own. */
    public void append(List<AuditEntry> entries) {
        try {
            Jdbc.inTransaction(dataSource, connection -> {
                append(connection, entries);
                return null;
            });
        } catch (SQLException e) {
            throw new AuditTrailException("appending to the audit trail failed: " + e.getMessage(), e);
        }
    }

    /** Which rows to list; null fields do not filter. */
    public record Filter(Instant since, String actor, AuditAction action, String studyInstanceUid, int limit) {

        public Filter {
            if (limit < 1 || limit > MAX_LIST) {
                throw new IllegalArgumentException("limit must be 1 to " + MAX_LIST + ", got " + limit);
            }
        }
    }

    /** The latest {@code filter.limit()} rows that match, oldest first. */
    public List<AuditRecord> list(Filter filter) {
        List<String> conditions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (filter.since() != null) {
            conditions.add("occurred_at >= ?");
            values.add(Jdbc.timestamp(filter.since()));
        }
        if (filter.actor() != null) {
            conditions.add("actor = ?");
            values.add(filter.actor());
        }
        if (filter.action() != null) {
            conditions.add("action = ?");
            values.add(filter.action().name());
        }
        if (filter.studyInstanceUid() != null) {
            conditions.add("study = audit_study_ref(?)");
            values.add(filter.studyInstanceUid());
        }
        String sql = "SELECT * FROM audit_trail" + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ",
                conditions)) + " ORDER BY id DESC LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                select.setObject(i + 1, values.get(i));
            }
            select.setInt(values.size() + 1, filter.limit());
            List<AuditRecord> rows = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(record(row));
                }
            }
            Collections.reverse(rows);
            return rows;
        } catch (SQLException e) {
            throw new AuditTrailException("reading the audit trail failed: " + e.getMessage(), e);
        }
    }

    /**
     * What verifying the chain found.
     *
     * @param checked rows that were checked, up to and including the first broken one
     * @param firstBrokenId the first row whose content, link or place is not what the chain says;
     *     null when the whole chain holds
     * @param problem what is wrong with that row; null when none is
     * @param headHash the last row's hash (of the whole trail, broken or not): kept elsewhere, it
     *     shows later whether rows were cut off the end
     */
    public record Verification(long checked, Long firstBrokenId, String problem, String headHash) {

        public boolean intact() {
            return firstBrokenId == null;
        }
    }

    /**
     * Walks the whole trail in order and recomputes every row's hash here, independently of the
     * database's functions: the first row that was changed, removed from the middle or inserted
     * out of chain is reported.
     */
    public Verification verify() {
        try {
            return Jdbc.reading(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT * FROM audit_trail ORDER BY id")) {
                    // a cursor: rows arrive VERIFY_FETCH at a time
                    select.setFetchSize(VERIFY_FETCH);
                    long checked = 0;
                    long previousId = 0;
                    String previousHash = GENESIS;
                    Long brokenId = null;
                    String problem = null;
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            AuditRecord row = record(rows);
                            if (brokenId == null) {
                                checked++;
                                problem = problem(row, previousId, previousHash);
                                brokenId = problem == null ? null : row.id();
                            }
                            previousId = row.id();
                            previousHash = row.rowHash();
                        }
                    }
                    return new Verification(checked, brokenId, problem, checked == 0 ? null : previousHash);
                }
            });
        } catch (SQLException e) {
            throw new AuditTrailException("reading the audit trail failed: " + e.getMessage(), e);
        }
    }

    private static String problem(AuditRecord row, long previousId, String previousHash) {
        if (row.id() != previousId + 1) {
            return previousId + 1 == row.id() - 1 ? "row " + (previousId + 1) + " is missing"
                    : "rows " + (previousId + 1) + " to " + (row.id() - 1) + " are missing";
        }
        if (!row.previousHash().equals(previousHash)) {
            return "its previous_hash is not the hash of row " + previousId;
        }
        if (!row.rowHash().equals(row.expectedHash())) {
            return "its content does not match its row_hash: the row was changed after it was written";
        }
        return null;
    }

    private static AuditRecord record(ResultSet row) throws SQLException {
        return new AuditRecord(row.getLong("id"), Jdbc.instant(row, "occurred_at"),
                row.getString("actor"), row.getString("peer"), row.getString("action"), row.getString("outcome"),
                row.getString("study"), row.getObject("task_id", Long.class), row.getString("target"),
                row.getString("from_state"), row.getString("to_state"), row.getString("detail"),
                row.getString("previous_hash"), row.getString("row_hash"));
    }

    /** The database failed; for an append, the act it records did not happen. */
    public static final class AuditTrailException extends RuntimeException {
        AuditTrailException(String message, SQLException cause) {
            super(message, cause);
        }
    }
}
