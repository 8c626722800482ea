package org.glean.curation;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import org.glean.persistence.Jdbc;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/**
 * The policies ever in force (table curation_policy, db/migration/V5__curation.sql), in the
 * caller's transaction. Plain JDBC, not Panache: the policy is read inside the decision's
 * transaction under its advisory lock, and a decision's row joins the policy it was taken under.
 */
@ApplicationScoped
class PolicyRepository {

    private final AuditTrail trail;

    PolicyRepository(AuditTrail trail) {
        this.trail = trail;
    }

    /** The policy in force: the highest version. */
    CurationPolicy current(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT * FROM curation_policy ORDER BY version DESC LIMIT 1");
             ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new IllegalStateException("curation_policy is empty; migration V5 inserts the first policy");
            }
            return policy(row);
        }
    }

    /** Puts a new policy in force, from the database's clock, and records who did it. */
    CurationPolicy insert(Connection connection, CurationPolicy.Change change) throws SQLException {
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

    /** The policy of a row that holds curation_policy's columns by their names. */
    static CurationPolicy policy(ResultSet row) throws SQLException {
        return new CurationPolicy(row.getLong("version"), row.getObject("informativeness_threshold", Double.class),
                row.getInt("budget_per_period"), Duration.ofSeconds(row.getLong("budget_period_seconds")),
                row.getString("changed_by"), Jdbc.instant(row, "changed_at"));
    }
}
