package org.glean.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;
import org.jboss.logging.Logger;

/**
 * Files of deleted studies on their way out of the store (db/migration/V11__study_deletion.sql).
 * A deletion lists them in its transaction; they are removed once it has committed, so that a
 * crash at any point leaves either the study whole or its rows gone and its files listed here,
 * to be removed by the next removal (the next deletion, or the next start). A file is removed
 * only while no instance names it, under an advisory lock that recording a group takes shared
 * ({@link StudyRepository}): a group that reuses such a file (the same instance sent again)
 * either commits first, and the file stays, or finds it gone and fails.
 */
@ApplicationScoped
public class StoreRemovals {

    private static final Logger LOG = Logger.getLogger(StoreRemovals.class);
    /** pg_advisory_xact_lock key: "gleanDel" as a big-endian long. */
    static final long LOCK = 7452442952527537516L;
    private static final int BATCH = 500;

    private final DataSource dataSource;
    private final InstanceStore store;

    public StoreRemovals(DataSource dataSource, InstanceStore store) {
        this.dataSource = dataSource;
        this.store = store;
    }

    /** Lists a deleted study's files for removal, in the deletion's transaction. */
    static void list(Connection connection, String studyInstanceUid, Collection<String> contentSha256)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO store_file_removal (content_sha256, study)
                SELECT hash, audit_study_ref(?) FROM unnest(?::text[]) AS hash
                ON CONFLICT (content_sha256) DO NOTHING""")) {
            insert.setString(1, studyInstanceUid);
            insert.setArray(2, connection.createArrayOf("text", contentSha256.toArray()));
            insert.executeUpdate();
        }
    }

    /**
     * Removes the listed files of one deleted study, or of every one for null, that no instance
     * names (a file named again, by the same instance sent anew, stays and leaves the list).
     *
     * @return the files removed
     */
    public int removeListed(String studyInstanceUid) {
        int removed = 0;
        while (true) {
            Batch batch = removeBatch(studyInstanceUid);
            removed += batch.removed();
            if (batch.listed() < BATCH || batch.removed() == 0 && batch.kept() == 0) {
                return removed;
            }
        }
    }

    /** How many files are listed for removal, of one deleted study or, for null, of all. */
    public int listed(String studyInstanceUid) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM store_file_removal WHERE ?::text IS NULL OR study = audit_study_ref(?)")) {
            count.setString(1, studyInstanceUid);
            count.setString(2, studyInstanceUid);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the files listed for removal: " + e.getMessage(), e);
        }
    }

    // listed: rows looked at; removed: files gone now; kept: files an instance names again
    private record Batch(int listed, int removed, int kept) {
    }

    private Batch removeBatch(String studyInstanceUid) {
        try {
            Batch batch = Jdbc.inTransaction(dataSource, connection -> {
                Jdbc.advisoryLock(connection, LOCK);
                List<String> done = new ArrayList<>();
                int listed = 0;
                int removed = 0;
                int kept = 0;
                try (PreparedStatement select = connection.prepareStatement("""
                        SELECT r.content_sha256, EXISTS (SELECT 1 FROM instance i WHERE i.content_sha256 = r.content_sha256)
                        FROM store_file_removal r WHERE ?::text IS NULL OR r.study = audit_study_ref(?)
                        ORDER BY r.content_sha256 LIMIT ?""")) {
                    select.setString(1, studyInstanceUid);
                    select.setString(2, studyInstanceUid);
                    select.setInt(3, BATCH);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            listed++;
                            String contentSha256 = rows.getString(1);
                            if (rows.getBoolean(2)) {
                                kept++;
                                done.add(contentSha256);
                            } else if (store.remove(contentSha256)) {
                                removed++;
                                done.add(contentSha256);
                            }
                        }
                    }
                }
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM store_file_removal WHERE content_sha256 = ANY (?)")) {
                    delete.setArray(1, connection.createArrayOf("text", done.toArray()));
                    delete.executeUpdate();
                }
                return new Batch(listed, removed, kept);
            });
            if (batch.listed() > batch.removed() + batch.kept()) {
                LOG.warnf("%d file(s) of deleted studies could not be removed; the next removal tries again",
                        batch.listed() - batch.removed() - batch.kept());
            }
            return batch;
        } catch (SQLException e) {
            throw new IllegalStateException("removing the files of deleted studies failed: " + e.getMessage(), e);
        }
    }
}
