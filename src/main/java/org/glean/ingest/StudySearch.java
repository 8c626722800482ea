package org.glean.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.glean.ingest.StoredFiles.InstanceFile;

/**
 * Finds held studies, series and instances by what Glean indexes of them: UIDs, modalities, series
 * and instance numbers, SOP classes. Glean keeps no patient names, IDs or dates in its tables, so
 * nothing else can be matched here. Like {@link StoredFiles}, instances whose file the store has
 * lost do not count.
 */
@ApplicationScoped
public class StudySearch {

    private final DataSource dataSource;
    private final StoredFiles files;

    public StudySearch(DataSource dataSource, StoredFiles files) {
        this.dataSource = dataSource;
        this.files = files;
    }

    /** One series as held: the first instance's view of it, and how many instances it has. */
    public record SeriesSummary(String studyInstanceUid, String seriesInstanceUid, String modality, int seriesNumber,
            int instanceCount) {
    }

    /** Which series to find; an empty set does not filter. */
    public record SeriesFilter(Set<String> seriesInstanceUids, Set<String> modalities, Set<Integer> seriesNumbers) {
    }

    /** Which instances to find; an empty set does not filter. */
    public record InstanceFilter(Set<String> sopInstanceUids, Set<String> sopClassUids, Set<Integer> instanceNumbers) {
    }

    /**
     * The study's series that match, by SeriesNumber then UID, {@code limit} at most after
     * skipping {@code offset}; empty when the study is not held.
     */
    public Optional<List<SeriesSummary>> series(String studyInstanceUid, SeriesFilter filter, int limit, int offset) {
        Map<String, List<InstanceFile>> bySeries = files.study(studyInstanceUid).stream()
                .collect(Collectors.groupingBy(InstanceFile::seriesInstanceUid, LinkedHashMap::new, Collectors.toList()));
        if (bySeries.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(page(bySeries.values().stream()
                .map(instances -> {
                    InstanceFile first = instances.get(0);
                    return new SeriesSummary(first.studyInstanceUid(), first.seriesInstanceUid(), first.modality(),
                            first.seriesNumber(), instances.size());
                })
                .filter(series -> matches(filter.seriesInstanceUids(), series.seriesInstanceUid())
                        && matches(filter.modalities(), series.modality())
                        && matches(filter.seriesNumbers(), series.seriesNumber())), limit, offset));
    }

    /**
     * The series' instances that match, by InstanceNumber then UID, {@code limit} at most after
     * skipping {@code offset}; empty when the series is not held in that study.
     */
    public Optional<List<InstanceFile>> instances(String studyInstanceUid, String seriesInstanceUid,
            InstanceFilter filter, int limit, int offset) {
        List<InstanceFile> instances = files.series(studyInstanceUid, seriesInstanceUid);
        if (instances.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(page(instances.stream()
                .filter(instance -> matches(filter.sopInstanceUids(), instance.sopInstanceUid())
                        && matches(filter.sopClassUids(), instance.sopClassUid())
                        && matches(filter.instanceNumbers(), instance.instanceNumber())), limit, offset));
    }

    private static <T> boolean matches(Set<T> wanted, T value) {
        return wanted.isEmpty() || wanted.contains(value);
    }

    private static <T> List<T> page(Stream<T> matches, int limit, int offset) {
        return matches.skip(offset).limit(limit).toList();
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
