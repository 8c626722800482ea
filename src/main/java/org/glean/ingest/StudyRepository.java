package org.glean.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.glean.dicom.DicomHeader;
import org.glean.persistence.Jdbc;
import org.glean.security.SameTransaction;
import org.glean.security.UidReference;

/**
 * Studies, series and instances in PostgreSQL. Every write that concerns a study first locks
 * the study's row, so that instances of one study arriving at once (several C-STORE
 * associations, a re-send beside a send) are recorded one after the other and the study's size
 * is checked against a total nobody else is changing. Instances are recorded in groups with
 * plain SQL over arrays, a fixed handful of statements per group, because on a busy machine each
 * round trip to the database costs more than the work it carries. A group that inserts instances
 * takes {@link StoreRemovals}' lock, shared, in the same statement, and commits only once their
 * files are found in the store after it: a deleted study's file that a group reuses is either kept
 * for it or, removed first, fails the group.
 */
@ApplicationScoped
public class StudyRepository {

    private static final int MAX_ATTEMPTS = 3;
    private static final int FETCH_SIZE = 1000;

    private final DataSource dataSource;
    private final InstanceStore store;

    public StudyRepository(DataSource dataSource, InstanceStore store) {
        this.dataSource = dataSource;
        this.store = store;
    }

    /**
     * One examined instance to record.
     *
     * @param header its validated header
     * @param status ACCEPTED, or REJECTED with {@code rejectionReason}
     * @param contentSha256 the SHA-256 of its bytes, its name in the store
     * @param sizeBytes the size of its bytes
     */
    record Received(DicomHeader header, Instance.Status status, String rejectionReason, String contentSha256,
            long sizeBytes) {
    }

    /**
     * Records a group of validated instances in one transaction, in order: for each, the study
     * and series if new, then the instance; an instance whose SOPInstanceUID is already held is
     * reported held and not written. An instance that does not fit what is stored (its series
     * lies in another study, its study would grow past {@code maxStudyBytes}) is refused and
     * nothing of it is written; with {@code stopAtFirstRefusal} every instance after it is
     * skipped too, as an IngestStudy call ends at its first refused instance. Round trips to
     * the database are per group, not per instance.
     *
     * @param filesDurable completes when the files the records name are on disk; the
     *     transaction commits only then, so that no record names a file a crash could lose, and
     *     its statements run meanwhile
     * @return the outcome of each instance, in order
     * @throws java.util.concurrent.CompletionException when {@code filesDurable} failed; nothing
     *     is recorded
     * @throws StoredFileRemovedException when a study deletion removed a file the group needs
     *     meanwhile; nothing is recorded
     */
    public List<InstanceOutcome> recordAll(List<Received> group, boolean stopAtFirstRefusal, long maxStudyBytes,
            Instant receivedAt, CompletableFuture<Void> filesDurable) {
        for (int attempt = 1; ; attempt++) {
            try {
                return recordInTransaction(group, stopAtFirstRefusal, maxStudyBytes, receivedAt, filesDurable);
            } catch (ConcurrentInsertException e) {
                // Another transaction created a series or instance of another study meanwhile:
                // look again at what is stored.
                if (attempt == MAX_ATTEMPTS) {
                    throw new IllegalStateException("recording kept conflicting with concurrent inserts", e);
                }
            } catch (SQLException e) {
                throw new PersistenceException("recording " + group.size() + " instances failed", e);
            }
        }
    }

    /** The instance stored with exactly these bytes, if any. */
    @Transactional
    public Optional<StoredInstance> findByContent(String contentSha256) {
        return Instance.<Instance>find("contentSha256", contentSha256).firstResultOptional()
                .map(held -> new StoredInstance(held.series.study.studyInstanceUid, held.sopInstanceUid, held.status,
                        held.rejectionReason, StoredInstance.Disposition.ALREADY_STORED));
    }

    /**
     * SOPInstanceUID → SHA-256 of the stored bytes, for the given instances that are held and
     * ACCEPTED and whose file is not missing.
     */
    @Transactional
    public Map<String, String> acceptedContent(Collection<String> sopInstanceUids) {
        Map<String, String> content = new HashMap<>();
        Instance.<Instance>list("sopInstanceUid in ?1 and status = ?2 and fileMissingSince is null", sopInstanceUids,
                        Instance.Status.ACCEPTED)
                .forEach(instance -> content.put(instance.sopInstanceUid, instance.contentSha256));
        return content;
    }

    /** Whether any instance record names this stored file. */
    @Transactional
    public boolean isReferenced(String contentSha256) {
        return Instance.count("contentSha256", contentSha256) > 0;
    }

    /** Which of these stored files an instance record names. */
    public Set<String> referencedAmong(Collection<String> contentSha256s) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT DISTINCT content_sha256 FROM instance WHERE content_sha256 = ANY (?::bpchar[])")) {
            select.setArray(1, connection.createArrayOf("text", contentSha256s.toArray()));
            Set<String> referenced = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    referenced.add(rows.getString(1));
                }
            }
            return referenced;
        } catch (SQLException e) {
            throw new PersistenceException("reading which stored files are referenced failed", e);
        }
    }

    /**
     * Hands every stored file an instance record names to {@code consumer}, once each, with
     * whether its records are marked missing, reading them a batch at a time.
     */
    public void forEachReferencedFile(BiConsumer<String, Boolean> consumer) {
        try {
            Jdbc.reading(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement("""
                        SELECT content_sha256, bool_or(file_missing_since IS NOT NULL) FROM instance
                        GROUP BY content_sha256""")) {
                    select.setFetchSize(FETCH_SIZE);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            consumer.accept(rows.getString(1), rows.getBoolean(2));
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new PersistenceException("reading the stored files' records failed", e);
        }
    }

    /** Marks the records that name these files as missing their file, from {@code since}. */
    public void markFilesMissing(Collection<String> contentSha256s, Instant since) {
        update("UPDATE instance SET file_missing_since = ? WHERE content_sha256 = ANY (?::bpchar[])"
                + " AND file_missing_since IS NULL", contentSha256s, Jdbc.timestamp(since));
    }

    /** Clears the mark of the records that name this file: it is in the store again. */
    public void markFilePresent(String contentSha256) {
        markFilesPresent(List.of(contentSha256));
    }

    /** Clears the mark of the records that name these files: they are in the store again. */
    public void markFilesPresent(Collection<String> contentSha256s) {
        update("UPDATE instance SET file_missing_since = NULL WHERE content_sha256 = ANY (?::bpchar[])"
                + " AND file_missing_since IS NOT NULL", contentSha256s, null);
    }

    // One UPDATE over an array of files, with an optional timestamp before it.
    private void update(String sql, Collection<String> contentSha256s, OffsetDateTime at) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            int index = 1;
            if (at != null) {
                update.setObject(index++, at);
            }
            update.setArray(index, connection.createArrayOf("text", contentSha256s.toArray()));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("marking " + contentSha256s.size() + " stored files failed", e);
        }
    }

    /**
     * Marks a receiving study complete, with {@code alongside} (the call's audit row) in the same
     * transaction; false when it was not receiving (or is unknown), and {@code alongside} is
     * written all the same.
     */
    public boolean markComplete(String studyInstanceUid, Instant completedAt, SameTransaction alongside) {
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                boolean completed;
                try (PreparedStatement update = connection.prepareStatement("""
                        UPDATE study SET reception = 'COMPLETE', completed_at = ?
                        WHERE study_instance_uid = ? AND reception = 'RECEIVING'""")) {
                    update.setObject(1, Jdbc.timestamp(completedAt));
                    update.setString(2, studyInstanceUid);
                    completed = update.executeUpdate() > 0;
                }
                alongside.write(connection);
                return completed;
            });
        } catch (SQLException e) {
            throw new PersistenceException("marking a study complete failed: " + e.getMessage(), e);
        }
    }

    /**
     * Marks complete every receiving study whose last instance arrived before {@code cutoff},
     * skipping studies whose rows another transaction holds (an instance being recorded), and
     * returns their StudyInstanceUIDs.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> completeQuietSince(Instant cutoff, Instant completedAt) {
        return Study.getEntityManager().createNativeQuery("""
                UPDATE study SET reception = 'COMPLETE', completed_at = ?1
                WHERE id IN (SELECT id FROM study WHERE reception = 'RECEIVING' AND last_received_at < ?2
                             FOR UPDATE SKIP LOCKED)
                RETURNING study_instance_uid""")
                .setParameter(1, completedAt)
                .setParameter(2, cutoff)
                .getResultList();
    }

    /** The study with its series and instances, as stored now. */
    @Transactional
    public Optional<StudyRecord> load(String studyInstanceUid) {
        Study study = Study.findByUid(studyInstanceUid);
        if (study == null) {
            return Optional.empty();
        }
        List<Series> seriesList = Series.list("study = ?1 order by seriesNumber, seriesInstanceUid", study);
        Map<Long, List<StudyRecord.InstanceRecord>> instancesBySeries = new LinkedHashMap<>();
        seriesList.forEach(series -> instancesBySeries.put(series.id, new ArrayList<>()));
        List<Instance> instances = Instance.list("series.study = ?1 order by instanceNumber, sopInstanceUid", study);
        for (Instance instance : instances) {
            instancesBySeries.get(instance.series.id).add(new StudyRecord.InstanceRecord(
                    instance.sopInstanceUid, instance.instanceNumber, instance.rows, instance.columns,
                    instance.numberOfFrames, instance.status, instance.rejectionReason));
        }
        List<StudyRecord.SeriesRecord> seriesRecords = seriesList.stream()
                .map(series -> new StudyRecord.SeriesRecord(series.seriesInstanceUid, series.modality,
                        series.seriesNumber, List.copyOf(instancesBySeries.get(series.id))))
                .toList();
        return Optional.of(new StudyRecord(study.studyInstanceUid, study.reception, seriesRecords));
    }

    /**
     * What deleting a study's rows removed; its files are listed for removal ({@link StoreRemovals}).
     *
     * @param sopInstanceUids the deleted instances' UIDs, for whatever else names them
     */
    public record DeletedRows(int series, int instances, int files, List<String> sopInstanceUids) {
    }

    /**
     * Locks a study's row in the caller's transaction, for its deletion: instances of it arriving
     * meanwhile wait, and then find it gone.
     *
     * @return the study's id; empty when no such study is stored
     */
    public Optional<Long> lockForDeletion(Connection connection, String studyInstanceUid) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM study WHERE study_instance_uid = ? FOR UPDATE")) {
            select.setString(1, studyInstanceUid);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Deletes a locked study's instances, series and row in the caller's transaction, and lists
     * its files for removal once that transaction has committed (rows that name the study, such
     * as analyses, go first).
     */
    public DeletedRows deleteLocked(Connection connection, long studyId, String studyInstanceUid)
            throws SQLException {
        Set<String> files = new LinkedHashSet<>();
        List<String> sopInstanceUids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT i.content_sha256, i.sop_instance_uid FROM instance i JOIN series s ON s.id = i.series_id
                WHERE s.study_id = ?""")) {
            select.setLong(1, studyId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    files.add(rows.getString(1));
                    sopInstanceUids.add(rows.getString(2));
                }
            }
        }
        int instances = delete(connection, "DELETE FROM instance WHERE series_id IN (SELECT id FROM series "
                + "WHERE study_id = ?)", studyId);
        int series = delete(connection, "DELETE FROM series WHERE study_id = ?", studyId);
        delete(connection, "DELETE FROM study WHERE id = ?", studyId);
        StoreRemovals.list(connection, studyInstanceUid, files);
        return new DeletedRows(series, instances, files.size(), sopInstanceUids);
    }

    private static int delete(Connection connection, String sql, long studyId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setLong(1, studyId);
            return delete.executeUpdate();
        }
    }

    // A plain JDBC transaction: the group needs no JPA, and on a busy machine JTA's bookkeeping
    // costs more CPU than the statements.
    private List<InstanceOutcome> recordInTransaction(List<Received> group, boolean stopAtFirstRefusal,
            long maxStudyBytes, Instant receivedAt, CompletableFuture<Void> filesDurable) throws SQLException {
        return Jdbc.inTransaction(dataSource, connection -> {
            GroupPlan plan = record(connection, group, stopAtFirstRefusal, maxStudyBytes, receivedAt);
            filesDurable.join();
            for (Received inserted : plan.toInsert) {
                if (!store.holds(inserted.contentSha256())) {
                    throw new StoredFileRemovedException();
                }
            }
            return plan.outcomes;
        });
    }

    private static GroupPlan record(Connection connection, List<Received> group, boolean stopAtFirstRefusal,
            long maxStudyBytes, Instant receivedAt) throws SQLException {
        GroupPlan plan = readGroup(connection, group, maxStudyBytes);
        boolean refused = false;
        for (Received received : group) {
            InstanceOutcome outcome = refused && stopAtFirstRefusal ? InstanceOutcome.skipped() : plan.add(received);
            refused |= !outcome.isStored() && !outcome.isSkipped();
            plan.outcomes.add(outcome);
        }
        if (!plan.toInsert.isEmpty()) {
            Map<String, Long> studyIds = insertStudies(connection, plan, receivedAt);
            Map<String, Long> seriesIds = insertSeries(connection, plan, studyIds);
            insertInstancesAndGrowStudies(connection, plan, studyIds, seriesIds, receivedAt);
        }
        return plan;
    }

    private record StudyRow(long id, long storedBytes) {
    }

    /** A series as stored (with its id) or as this group will create it (id null). */
    private record SeriesRow(Long id, String studyInstanceUid, String modality, int seriesNumber) {
    }

    /** An instance as stored, or as this group stores it. */
    private record HeldInstance(String studyInstanceUid, String sopInstanceUid, String contentSha256,
            Instance.Status status, String rejectionReason) {
    }

    /**
     * What a group will write, decided in memory from what the database holds: the instances to
     * insert, the studies and series they need, the bytes each study gains. Instances earlier in
     * the group count as held for later ones (the same instance twice in one call).
     */
    private static final class GroupPlan {

        final Map<String, StudyRow> lockedStudies;
        final Map<String, HeldInstance> held;
        final Map<String, SeriesRow> series;
        final long maxStudyBytes;
        final Map<String, Long> addedBytes = new LinkedHashMap<>();
        final List<Received> toInsert = new ArrayList<>();
        final List<InstanceOutcome> outcomes = new ArrayList<>();

        GroupPlan(Map<String, StudyRow> lockedStudies, Map<String, HeldInstance> held, Map<String, SeriesRow> series,
                long maxStudyBytes) {
            this.lockedStudies = lockedStudies;
            this.held = held;
            this.series = series;
            this.maxStudyBytes = maxStudyBytes;
        }

        InstanceOutcome add(Received received) {
            DicomHeader header = received.header();
            String studyUid = header.studyInstanceUid();
            HeldInstance heldBefore = held.get(header.sopInstanceUid());
            if (heldBefore != null) {
                return InstanceOutcome.stored(asHeld(heldBefore, received.contentSha256()));
            }
            SeriesRow seriesRow = series.get(header.seriesInstanceUid());
            if (seriesRow != null && !seriesRow.studyInstanceUid().equals(studyUid)) {
                return InstanceOutcome.refused(new InvalidInstanceException("SeriesInstanceUID "
                        + UidReference.of(header.seriesInstanceUid()) + " already belongs to study "
                        + UidReference.of(seriesRow.studyInstanceUid()) + ", not to study " + UidReference.of(studyUid)
                        + "; a series lies in one study"));
            }
            StudyRow study = lockedStudies.get(studyUid);
            long studyBytes = (study == null ? 0 : study.storedBytes()) + addedBytes.getOrDefault(studyUid, 0L);
            if (studyBytes + received.sizeBytes() > maxStudyBytes) {
                return InstanceOutcome.refused(new SizeLimitException("study " + UidReference.of(studyUid) + " would hold "
                        + (studyBytes + received.sizeBytes()) + " bytes, more than glean.ingest.max-study-size = "
                        + maxStudyBytes + " bytes"));
            }
            if (seriesRow == null) {
                series.put(header.seriesInstanceUid(),
                        new SeriesRow(null, studyUid, header.modality(), header.seriesNumber()));
            }
            addedBytes.merge(studyUid, received.sizeBytes(), Long::sum);
            toInsert.add(received);
            held.put(header.sopInstanceUid(), new HeldInstance(studyUid, header.sopInstanceUid(),
                    received.contentSha256(), received.status(), received.rejectionReason()));
            return InstanceOutcome.stored(new StoredInstance(studyUid, header.sopInstanceUid(), received.status(),
                    received.rejectionReason(), StoredInstance.Disposition.STORED));
        }

        List<String> newStudies() {
            return addedBytes.keySet().stream().filter(uid -> !lockedStudies.containsKey(uid)).toList();
        }

        List<Map.Entry<String, SeriesRow>> newSeries() {
            return series.entrySet().stream().filter(entry -> entry.getValue().id() == null).toList();
        }
    }

    /**
     * Reads, in one round trip, what the database holds of the group: its studies (locking their
     * rows until the transaction ends, in UID order, so that two groups of the same studies never
     * wait for each other in a circle), the instances with its SOPInstanceUIDs and the series
     * with its SeriesInstanceUIDs. The instances and series are read as of the statement's start;
     * one that a transaction we waited for the lock of committed meanwhile is found when its
     * insert conflicts, and the group is then recorded again.
     */
    private static GroupPlan readGroup(Connection connection, List<Received> group, long maxStudyBytes)
            throws SQLException {
        Map<String, StudyRow> studies = new HashMap<>();
        Map<String, HeldInstance> held = new HashMap<>();
        Map<String, SeriesRow> series = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                WITH locked AS (
                    SELECT study_instance_uid, id, stored_bytes FROM study WHERE study_instance_uid = ANY (?)
                    ORDER BY study_instance_uid FOR UPDATE)
                SELECT 'STUDY', study_instance_uid, id, stored_bytes, NULL, NULL, NULL, NULL FROM locked
                UNION ALL
                SELECT 'INSTANCE', i.sop_instance_uid, NULL, NULL, st.study_instance_uid, i.content_sha256, i.status,
                       i.rejection_reason
                FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id
                WHERE i.sop_instance_uid = ANY (?)
                UNION ALL
                SELECT 'SERIES', se.series_instance_uid, se.id, se.series_number, st.study_instance_uid, se.modality,
                       NULL, NULL
                FROM series se JOIN study st ON st.id = se.study_id WHERE se.series_instance_uid = ANY (?)""")) {
            select.setArray(1, connection.createArrayOf("text", distinct(group, DicomHeader::studyInstanceUid)));
            select.setArray(2, connection.createArrayOf("text", distinct(group, DicomHeader::sopInstanceUid)));
            select.setArray(3, connection.createArrayOf("text", distinct(group, DicomHeader::seriesInstanceUid)));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String uid = rows.getString(2);
                    switch (rows.getString(1)) {
                        case "STUDY" -> studies.put(uid, new StudyRow(rows.getLong(3), rows.getLong(4)));
                        case "INSTANCE" -> held.put(uid, new HeldInstance(rows.getString(5), uid, rows.getString(6),
                                Instance.Status.valueOf(rows.getString(7)), rows.getString(8)));
                        default -> series.put(uid, new SeriesRow(rows.getLong(3), rows.getString(5),
                                rows.getString(6), rows.getInt(4)));
                    }
                }
            }
        }
        return new GroupPlan(studies, held, series, maxStudyBytes);
    }

    // The group's studies with their ids, the new ones inserted now.
    private static Map<String, Long> insertStudies(Connection connection, GroupPlan plan, Instant receivedAt)
            throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        plan.lockedStudies.forEach((uid, study) -> ids.put(uid, study.id()));
        List<String> newStudies = plan.newStudies();
        if (newStudies.isEmpty()) {
            return ids;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO study (study_instance_uid, reception, stored_bytes, first_received_at, last_received_at)
                SELECT uid, 'RECEIVING', 0, ?, ? FROM unnest(?::text[]) AS uid
                ON CONFLICT (study_instance_uid) DO NOTHING
                RETURNING study_instance_uid, id""")) {
            insert.setObject(1, Jdbc.timestamp(receivedAt));
            insert.setObject(2, Jdbc.timestamp(receivedAt));
            insert.setArray(3, connection.createArrayOf("text", newStudies.toArray(String[]::new)));
            collectIds(insert, ids, newStudies.size());
        }
        return ids;
    }

    private static Map<String, Long> insertSeries(Connection connection, GroupPlan plan, Map<String, Long> studyIds)
            throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        plan.series.forEach((uid, series) -> ids.put(uid, series.id()));
        List<Map.Entry<String, SeriesRow>> newSeries = plan.newSeries();
        if (newSeries.isEmpty()) {
            return ids;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO series (study_id, series_instance_uid, modality, series_number)
                SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::integer[])
                ON CONFLICT (series_instance_uid) DO NOTHING
                RETURNING series_instance_uid, id""")) {
            insert.setArray(1, connection.createArrayOf("bigint", newSeries.stream()
                    .map(entry -> studyIds.get(entry.getValue().studyInstanceUid())).toArray()));
            insert.setArray(2, connection.createArrayOf("text", newSeries.stream().map(Map.Entry::getKey).toArray()));
            insert.setArray(3, connection.createArrayOf("text",
                    newSeries.stream().map(entry -> entry.getValue().modality()).toArray()));
            insert.setArray(4, connection.createArrayOf("integer",
                    newSeries.stream().map(entry -> entry.getValue().seriesNumber()).toArray()));
            collectIds(insert, ids, newSeries.size());
        }
        return ids;
    }

    // The instances, what they add to their studies, and the removals' lock, in one round trip.
    private static void insertInstancesAndGrowStudies(Connection connection, GroupPlan plan,
            Map<String, Long> studyIds, Map<String, Long> seriesIds, Instant receivedAt) throws SQLException {
        List<Received> instances = plan.toInsert;
        try (PreparedStatement insert = connection.prepareStatement("""
                WITH inserted AS (
                    INSERT INTO instance (series_id, sop_instance_uid, sop_class_uid, transfer_syntax_uid,
                                          instance_number, pixel_rows, pixel_columns, number_of_frames, content_sha256,
                                          size_bytes, status, rejection_reason, received_at)
                    SELECT t.*, ? FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::integer[], ?::integer[],
                                              ?::integer[], ?::integer[], ?::text[], ?::bigint[], ?::text[],
                                              ?::text[]) AS t
                    ON CONFLICT (sop_instance_uid) DO NOTHING
                    RETURNING 1),
                grown AS (
                    UPDATE study SET stored_bytes = study.stored_bytes + t.added, last_received_at = ?,
                                     reception = 'RECEIVING', completed_at = NULL
                    FROM unnest(?::bigint[], ?::bigint[]) AS t (id, added) WHERE study.id = t.id
                    RETURNING 1),
                removals_held_off AS (
                    SELECT pg_advisory_xact_lock_shared(?))
                SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM grown),
                       (SELECT count(*) FROM removals_held_off)""")) {
            insert.setObject(1, Jdbc.timestamp(receivedAt));
            column(insert, 2, "bigint", instances, received -> seriesIds.get(received.header().seriesInstanceUid()));
            column(insert, 3, "text", instances, received -> received.header().sopInstanceUid());
            column(insert, 4, "text", instances, received -> received.header().sopClassUid());
            column(insert, 5, "text", instances, received -> received.header().transferSyntaxUid());
            column(insert, 6, "integer", instances, received -> received.header().instanceNumber());
            column(insert, 7, "integer", instances, received -> received.header().rows());
            column(insert, 8, "integer", instances, received -> received.header().columns());
            column(insert, 9, "integer", instances, received -> received.header().numberOfFrames());
            column(insert, 10, "text", instances, Received::contentSha256);
            column(insert, 11, "bigint", instances, Received::sizeBytes);
            column(insert, 12, "text", instances, received -> received.status().name());
            column(insert, 13, "text", instances, Received::rejectionReason);
            insert.setObject(14, Jdbc.timestamp(receivedAt));
            insert.setArray(15, connection.createArrayOf("bigint",
                    plan.addedBytes.keySet().stream().map(studyIds::get).toArray()));
            insert.setArray(16, connection.createArrayOf("bigint", plan.addedBytes.values().toArray()));
            insert.setLong(17, StoreRemovals.LOCK);
            try (ResultSet counts = insert.executeQuery()) {
                counts.next();
                if (counts.getLong(1) != instances.size()) {
                    throw new ConcurrentInsertException();
                }
            }
        }
    }

    private static void column(PreparedStatement statement, int index, String type, List<Received> instances,
            Function<Received, Object> value) throws SQLException {
        statement.setArray(index,
                statement.getConnection().createArrayOf(type, instances.stream().map(value).toArray()));
    }

    // Runs an INSERT ... ON CONFLICT DO NOTHING RETURNING uid, id; fewer rows than inserted means
    // a concurrent transaction inserted one of them first.
    private static void collectIds(PreparedStatement insert, Map<String, Long> ids, int inserted) throws SQLException {
        int returned = 0;
        try (ResultSet rows = insert.executeQuery()) {
            while (rows.next()) {
                ids.put(rows.getString(1), rows.getLong(2));
                returned++;
            }
        }
        if (returned != inserted) {
            throw new ConcurrentInsertException();
        }
    }

    private static Object[] distinct(List<Received> group, Function<DicomHeader, String> uid) {
        return group.stream().map(received -> uid.apply(received.header())).distinct().toArray();
    }


    private static StoredInstance asHeld(HeldInstance held, String receivedSha256) {
        StoredInstance.Disposition disposition = held.contentSha256().equals(receivedSha256)
                ? StoredInstance.Disposition.ALREADY_STORED
                : StoredInstance.Disposition.CONFLICTING_COPY_DISCARDED;
        return new StoredInstance(held.studyInstanceUid(), held.sopInstanceUid(), held.status(),
                held.rejectionReason(), disposition);
    }

    /** A file the group needs went with a deleted study after it was stored; the group is not recorded. */
    static final class StoredFileRemovedException extends RuntimeException {
        StoredFileRemovedException() {
            super("a stored file these instances need was removed by a study deletion meanwhile; send them again");
        }
    }

    /** A row this transaction meant to insert was inserted by another one first; try again. */
    private static final class ConcurrentInsertException extends RuntimeException {
        ConcurrentInsertException() {
            super(null, null, false, false);
        }
    }
}
