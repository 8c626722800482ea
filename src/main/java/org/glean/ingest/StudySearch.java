package org.glean.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Finds held studies by what Glean indexes of them: StudyInstanceUID and the modalities of their
 * series. Glean keeps no patient names, IDs or dates in its tables, so nothing else can be matched
 * here. Like {@link StoredFiles}, instances whose file the store has lost do not count.
 */
@ApplicationScoped
public class StudySearch {

    private final DataSource dataSource;

    public StudySearch(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * What matched: one study and how much of it is held.
     *
     * @param modalities the distinct Modality values of its series, sorted, none empty
     */
    public record StudySummary(String studyInstanceUid, List<String> modalities, int seriesCount,
            int instanceCount) {
    }

    /**
     * The studies that match, the most recently received first.
     *
     * @param studyInstanceUids the studies to consider; empty for all
     * @param modality a Modality one of the study's series must have; null for any
     * @param limit at most this many, after skipping {@code offset}
     */
    public List<StudySummary> find(Set<String> studyInstanceUids, String modality, int limit, int offset) {
        String sql = """
                SELECT st.study_instance_uid,
                       array_agg(DISTINCT s.modality) FILTER (WHERE s.modality <> '') AS modalities,
                       count(DISTINCT s.id) AS series, count(i.id) AS instances
                FROM study st
                JOIN series s ON s.study_id = st.id
                JOIN instance i ON i.series_id = s.id AND i.file_missing_since IS NULL
                WHERE (cardinality(?::varchar[]) = 0 OR st.study_instance_uid = ANY (?::varchar[]))
                GROUP BY st.id
                HAVING (?::varchar IS NULL OR bool_or(s.modality = ?::varchar))
                ORDER BY st.last_received_at DESC, st.id DESC
                LIMIT ? OFFSET ?""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            Array uids = connection.createArrayOf("varchar", studyInstanceUids.toArray());
            select.setArray(1, uids);
            select.setArray(2, uids);
            select.setString(3, modality);
            select.setString(4, modality);
            select.setInt(5, limit);
            select.setInt(6, offset);
            List<StudySummary> studies = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    Array modalities = row.getArray("modalities");
                    List<String> sorted = modalities == null ? List.of()
                            : Arrays.stream((String[]) modalities.getArray()).sorted().toList();
                    studies.add(new StudySummary(row.getString(1), sorted, row.getInt("series"),
                            row.getInt("instances")));
                }
            }
            return studies;
        } catch (SQLException e) {
            throw new IllegalStateException("searching studies failed: " + e.getMessage(), e);
        }
    }
}
