package org.glean.inference;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;
import org.glean.security.SameTransaction;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * The model_version table in plain JDBC, so that {@code glean calibrate} can use it without the
 * server: versions with their manifests, the current one, and statistics from calibration.
 */
@ApplicationScoped
public class ModelVersionRepository {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /**
     * A registered version.
     *
     * @param calibratedStatistics statistics from {@code glean calibrate}; null until calibrated
     */
    public record Row(String versionId, String source, boolean current, UncertaintyStatistics calibratedStatistics) {
    }

    private final DataSource dataSource;

    public ModelVersionRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records the versions found (a known version keeps its statistics; its source is updated). */
    public void register(List<ModelFiles> found, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement("""
                     INSERT INTO model_version (version_id, source, manifest, registered_at)
                     VALUES (?, ?, ?::jsonb, ?)
                     ON CONFLICT (version_id) DO UPDATE SET source = EXCLUDED.source""")) {
            for (ModelFiles model : found) {
                upsert.setString(1, model.versionId());
                upsert.setString(2, model.source());
                upsert.setString(3, GSON.toJson(model.manifest()));
                upsert.setObject(4, Jdbc.timestamp(now));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    public List<Row> all() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT version_id, source, is_current, normalisation_statistics::text FROM model_version
                     ORDER BY registered_at, version_id""");
             ResultSet rows = select.executeQuery()) {
            List<Row> all = new ArrayList<>();
            while (rows.next()) {
                String statistics = rows.getString(4);
                all.add(new Row(rows.getString(1), rows.getString(2), rows.getBoolean(3),
                        statistics == null ? null : UncertaintyStatistics.fromJson(statistics)));
            }
            return all;
        }
    }

    public Optional<Row> current() throws SQLException {
        return all().stream().filter(Row::current).findFirst();
    }

    public Optional<Row> find(String versionId) throws SQLException {
        return all().stream().filter(row -> row.versionId().equals(versionId)).findFirst();
    }

    /**
     * Makes {@code versionId} (registered) the one current version; the one it replaces is
     * retired. {@code alongside} joins the transaction: the record of who changed it and why.
     */
    public void makeCurrent(String versionId, SameTransaction alongside) throws SQLException {
        Jdbc.inTransaction(dataSource, connection -> {
            try (PreparedStatement clear = connection.prepareStatement(
                         "UPDATE model_version SET is_current = FALSE, retired_at = now() WHERE is_current AND version_id <> ?");
                 PreparedStatement set = connection.prepareStatement(
                         "UPDATE model_version SET is_current = TRUE, retired_at = NULL WHERE version_id = ?")) {
                clear.setString(1, versionId);
                clear.executeUpdate();
                set.setString(1, versionId);
                if (set.executeUpdate() != 1) {
                    throw new IllegalArgumentException("model version " + versionId + " is not registered");
                }
            }
            alongside.write(connection);
            return null;
        });
    }

    /** Replaces the version's normalisation statistics. */
    public void saveStatistics(String versionId, UncertaintyStatistics statistics, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     UPDATE model_version SET normalisation_statistics = ?::jsonb, calibrated_at = ?
                     WHERE version_id = ?""")) {
            update.setString(1, statistics.toJson());
            update.setObject(2, Jdbc.timestamp(now));
            update.setString(3, versionId);
            if (update.executeUpdate() != 1) {
                throw new IllegalArgumentException("model version " + versionId + " is not registered");
            }
        }
    }
}
