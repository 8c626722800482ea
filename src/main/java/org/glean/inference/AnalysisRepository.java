package org.glean.inference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;
import org.glean.security.UidReference;

/** Persisted analyses (study_analysis), one per study and model version, and the files they read. */
@ApplicationScoped
public class AnalysisRepository {

    private final DataSource dataSource;

    public AnalysisRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores the analysis, replacing the study's earlier one by the same model version. */
    public void save(String studyInstanceUid, StudyScores scores, Instant analysedAt) {
        try (Connection connection = dataSource.getConnection()) {
            save(connection, studyInstanceUid, scores, analysedAt);
        } catch (SQLException e) {
            throw new PersistenceException("storing the analysis of study " + UidReference.of(studyInstanceUid)
                    + " failed", e);
        }
    }

    /** As {@link #save(String, StudyScores, Instant)}, in the caller's transaction. */
    void save(Connection connection, String studyInstanceUid, StudyScores scores, Instant analysedAt)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO study_analysis (study_id, model_version, informativeness, scores, analysed_at)
                SELECT id, ?, ?, ?::jsonb, ? FROM study WHERE study_instance_uid = ?
                ON CONFLICT (study_id, model_version) DO UPDATE
                SET informativeness = EXCLUDED.informativeness, scores = EXCLUDED.scores,
                    analysed_at = EXCLUDED.analysed_at""")) {
            upsert.setString(1, scores.modelVersion());
            upsert.setDouble(2, scores.informativeness());
            upsert.setString(3, scores.toJson());
            upsert.setObject(4, Jdbc.timestamp(analysedAt));
            upsert.setString(5, studyInstanceUid);
            if (upsert.executeUpdate() != 1) {
                throw new PersistenceException("study " + UidReference.of(studyInstanceUid)
                        + " is not stored; its analysis cannot be");
            }
        }
    }

    /** Deletes every analysis of a study, in the caller's transaction (the study's deletion); returns how many. */
    public int deleteOfStudy(Connection connection, long studyId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM study_analysis WHERE study_id = ?")) {
            delete.setLong(1, studyId);
            return delete.executeUpdate();
        }
    }

    /** The study's most recent analysis, by whichever model version made it. */
    public Optional<StudyScores> latest(String studyInstanceUid) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT a.scores::text FROM study_analysis a JOIN study s ON s.id = a.study_id
                     WHERE s.study_instance_uid = ? ORDER BY a.analysed_at DESC, a.id DESC LIMIT 1""")) {
            select.setString(1, studyInstanceUid);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(StudyScores.fromJson(row.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading the analysis of study " + UidReference.of(studyInstanceUid)
                    + " failed", e);
        }
    }

    /** Number of analyses stored for the study (one per model version). */
    public int count(String studyInstanceUid) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT count(*) FROM study_analysis a JOIN study s ON s.id = a.study_id
                     WHERE s.study_instance_uid = ?""")) {
            select.setString(1, studyInstanceUid);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (SQLException e) {
            throw new PersistenceException("counting the analyses of study " + UidReference.of(studyInstanceUid)
                    + " failed", e);
        }
    }

    /** SOPInstanceUID → content SHA-256 of the study's accepted instances whose file is not missing. */
    public Map<String, String> acceptedContent(String studyInstanceUid) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT i.sop_instance_uid, i.content_sha256 FROM instance i
                     JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id
                     WHERE st.study_instance_uid = ? AND i.status = 'ACCEPTED' AND i.file_missing_since IS NULL""")) {
            select.setString(1, studyInstanceUid);
            Map<String, String> content = new LinkedHashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    content.put(rows.getString(1), rows.getString(2).trim());
                }
            }
            return content;
        } catch (SQLException e) {
            throw new PersistenceException("reading the instances of study " + UidReference.of(studyInstanceUid)
                    + " failed", e);
        }
    }

    /**
     * The content SHA-256 of accepted instances Glean stores (files not missing), each once, in SHA-256 order — an
     * order unrelated to the studies, so that the first {@code limit} are a fair sample: the pool
     * of a calibration over the stored studies.
     */
    public List<String> acceptedContentSample(int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT DISTINCT content_sha256 FROM instance WHERE status = 'ACCEPTED' AND file_missing_since IS NULL
                     ORDER BY content_sha256 LIMIT ?""")) {
            select.setInt(1, limit);
            List<String> content = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    content.add(rows.getString(1).trim());
                }
            }
            return content;
        } catch (SQLException e) {
            throw new PersistenceException("reading the stored instances failed", e);
        }
    }
}
