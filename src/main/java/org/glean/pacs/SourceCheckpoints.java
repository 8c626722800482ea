package org.glean.pacs;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;

/** Which studies each source has handed over (table pacs_source_study), so that none is taken twice. */
@ApplicationScoped
public class SourceCheckpoints {

    private final DataSource dataSource;

    public SourceCheckpoints(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The StudyInstanceUIDs taken from {@code source}. */
    public Set<String> taken(String source) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT study_instance_uid FROM pacs_source_study WHERE source = ?")) {
            select.setString(1, source);
            Set<String> uids = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    uids.add(rows.getString(1));
                }
            }
            return uids;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the checkpoint of PACS source " + source, e);
        }
    }

    /** What the checkpoint of a source holds: how many studies were taken, and when the last was (null: none). */
    public record Summary(int studiesTaken, Instant lastTaken) {
    }

    /** The checkpoint of every source that took a study, by source name. */
    public Map<String, Summary> summaries() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT source, count(*), max(taken_at) FROM pacs_source_study GROUP BY source");
                ResultSet rows = select.executeQuery()) {
            Map<String, Summary> summaries = new HashMap<>();
            while (rows.next()) {
                summaries.put(rows.getString(1), new Summary(rows.getInt(2),
                        Jdbc.instant(rows, 3)));
            }
            return summaries;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the checkpoints of the PACS sources", e);
        }
    }

    /** Records a study as taken; a second record of the same study changes nothing. */
    public void markTaken(String source, String studyInstanceUid, int stored, int refused, Instant now) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO pacs_source_study (source, study_instance_uid, instances_stored,
                            instances_refused, taken_at)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            insert.setString(1, source);
            insert.setString(2, studyInstanceUid);
            insert.setInt(3, stored);
            insert.setInt(4, refused);
            insert.setObject(5, Jdbc.timestamp(now));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record the checkpoint of PACS source " + source, e);
        }
    }
}
