package org.glean.training;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;

/**
 * Where model versions come from and how they were put in service: the parent, validation mAP and
 * gate verdict of each version (columns of model_version), and the history of promotions
 * (model_promotion). The current version itself is the registry's.
 */
@ApplicationScoped
class ModelLineage {

    /** Why the current version changed. */
    enum Action { GATE, PROMOTE, ROLLBACK }

    private final DataSource dataSource;

    ModelLineage(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records what the job that made {@code versionId} found, and how many annotations it had. */
    void recordOrigin(String versionId, String parentVersion, double validationMap, int annotations,
                      String candidateReason) {
        update("""
                UPDATE model_version SET parent_version = ?, validation_map = ?, training_annotations = ?,
                    candidate_reason = ?
                WHERE version_id = ?""",
                statement -> {
                    statement.setString(1, parentVersion);
                    statement.setDouble(2, validationMap);
                    statement.setInt(3, annotations);
                    statement.setString(4, candidateReason);
                    statement.setString(5, versionId);
                });
    }

    /**
     * Records, in the caller's transaction (the one that makes the version current), that
     * {@code versionId} became current instead of {@code previous}; a rolled-back mark is cleared.
     */
    static void recordPromotion(Connection connection, Action action, String versionId, String previous, String actor,
            String reason) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO model_promotion (action, version_id, previous_version, actor, reason, occurred_at)
                VALUES (?, ?, ?, ?, ?, now())""");
             PreparedStatement clear = connection.prepareStatement(
                     "UPDATE model_version SET rolled_back_at = NULL WHERE version_id = ?")) {
            insert.setString(1, action.name());
            insert.setString(2, versionId);
            insert.setObject(3, previous, Types.VARCHAR);
            insert.setString(4, actor);
            insert.setString(5, reason);
            insert.executeUpdate();
            clear.setString(1, versionId);
            clear.executeUpdate();
        }
    }

    /** Marks a version taken out of service by a rollback, in the caller's transaction: later rollbacks skip it. */
    static void markRolledBack(Connection connection, String versionId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE model_version SET rolled_back_at = now() WHERE version_id = ?")) {
            update.setString(1, versionId);
            update.executeUpdate();
        }
    }

    /** The version a rollback returns to: the one retired last that no rollback took out of service. */
    Optional<String> rollbackTarget() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT version_id FROM model_version
                     WHERE NOT is_current AND retired_at IS NOT NULL AND rolled_back_at IS NULL
                     ORDER BY retired_at DESC, registered_at DESC LIMIT 1""");
             ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new PersistenceException("reading the model versions failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every version that has been current, in the order each first became current: by its first
     * recorded promotion or, for one made current at start-up (replaced before any promotion of
     * it, or never), when it was registered.
     */
    List<LearningCurve.Point> everCurrent() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT version_id, training_annotations, validation_map, is_current, rolled_back,
                            CASE WHEN first_promoted IS NULL OR first_replaced < first_promoted THEN registered_at
                                 ELSE first_promoted END AS first_current_at
                     FROM (SELECT v.*, v.rolled_back_at IS NOT NULL AS rolled_back,
                                  (SELECT min(occurred_at) FROM model_promotion p
                                   WHERE p.version_id = v.version_id) AS first_promoted,
                                  (SELECT min(occurred_at) FROM model_promotion p
                                   WHERE p.previous_version = v.version_id) AS first_replaced
                           FROM model_version v) versions
                     WHERE is_current OR retired_at IS NOT NULL
                        OR first_promoted IS NOT NULL OR first_replaced IS NOT NULL
                     ORDER BY first_current_at, version_id""");
             ResultSet row = select.executeQuery()) {
            List<LearningCurve.Point> points = new ArrayList<>();
            while (row.next()) {
                points.add(new LearningCurve.Point(row.getString("version_id"),
                        (Integer) row.getObject("training_annotations"), (Double) row.getObject("validation_map"),
                        Jdbc.instant(row, "first_current_at"), row.getBoolean("is_current"),
                        row.getBoolean("rolled_back")));
            }
            return points;
        } catch (SQLException e) {
            throw new PersistenceException("reading the model versions failed: " + e.getMessage(), e);
        }
    }

    List<ModelVersionInfo> all() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT version_id, source, is_current, parent_version, validation_map, training_annotations,
                            candidate_reason, rolled_back_at IS NOT NULL AS rolled_back, registered_at, retired_at,
                            ARRAY(SELECT jsonb_array_elements_text(manifest -> 'network' -> 'classes')) AS classes
                     FROM model_version ORDER BY registered_at, version_id""");
             ResultSet row = select.executeQuery()) {
            List<ModelVersionInfo> versions = new ArrayList<>();
            while (row.next()) {
                Instant retiredAt = Jdbc.instant(row, "retired_at");
                ModelVersionInfo.State state = row.getBoolean("is_current") ? ModelVersionInfo.State.CURRENT
                        : retiredAt != null ? ModelVersionInfo.State.RETIRED : ModelVersionInfo.State.CANDIDATE;
                Array classes = row.getArray("classes");
                // a version promoted by hand after its gate refused it is no candidate any more
                versions.add(new ModelVersionInfo(row.getString("version_id"), state, row.getString("source"),
                        row.getString("parent_version"), (Double) row.getObject("validation_map"),
                        (Integer) row.getObject("training_annotations"),
                        state == ModelVersionInfo.State.CANDIDATE ? row.getString("candidate_reason") : null,
                        row.getBoolean("rolled_back"),
                        List.of((String[]) classes.getArray()), Jdbc.instant(row, "registered_at"),
                        state == ModelVersionInfo.State.RETIRED ? retiredAt : null));
            }
            return versions;
        } catch (SQLException e) {
            throw new PersistenceException("reading the model versions failed: " + e.getMessage(), e);
        }
    }

    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private void update(String sql, Parameters parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.set(statement);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("recording the model lineage failed: " + e.getMessage(), e);
        }
    }
}
