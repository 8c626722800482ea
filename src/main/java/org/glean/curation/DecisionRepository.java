package org.glean.curation;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import org.glean.curation.CurationDecision.Outcome;
import org.glean.persistence.Jdbc;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/**
 * The decisions taken on scored studies (table curation_decision, db/migration/V5__curation.sql),
 * one per study and model version, in the caller's transaction.
 */
@ApplicationScoped
class DecisionRepository {

    // pg_advisory_xact_lock key that serialises decisions and policy changes across replicas.
    private static final long DECISION_LOCK = 0x676c65616e4355L;

    private final AuditTrail trail;

    DecisionRepository(AuditTrail trail) {
        this.trail = trail;
    }

    /** Holds, until the transaction ends, the lock that decisions and policy changes take one at a time. */
    void lock(Connection connection) throws SQLException {
        Jdbc.advisoryLock(connection, DECISION_LOCK);
    }

    /** The decision for a study under a model version, with the policy it was taken under. */
    Optional<CurationDecision> find(Connection connection, String studyInstanceUid, String modelVersion)
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
                        row.getObject("task_id", Long.class), PolicyRepository.policy(row),
                        Jdbc.instant(row, "decided_at")));
            }
        }
    }

    /** Records the decision, and in the audit trail what it was. */
    void insert(Connection connection, CurationDecision decision) throws SQLException {
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

    /** Deletes every decision on the study (they name its tasks: delete them first). */
    void deleteOfStudy(Connection connection, String studyInstanceUid) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM curation_decision WHERE study_instance_uid = ?")) {
            delete.setString(1, studyInstanceUid);
            delete.executeUpdate();
        }
    }
}
