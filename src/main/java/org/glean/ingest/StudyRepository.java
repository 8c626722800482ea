package org.glean.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.glean.dicom.DicomHeader;

/**
 * Studies, series and instances in PostgreSQL. Every write that concerns a study first locks
 * the study's row, so that instances of one study arriving at once (several C-STORE
 * associations, a re-send beside a send) are recorded one after the other and the study's size
 * is checked against a total nobody else is changing.
 */
@ApplicationScoped
public class StudyRepository {

    /**
     * Records one validated instance in one transaction: the study and series if new, then the
     * instance. Returns without writing when the SOPInstanceUID is already held.
     *
     * @throws SizeLimitException when the study would grow past {@code maxStudyBytes}
     * @throws InvalidInstanceException when the instance's series belongs to another study
     */
    @Transactional(rollbackOn = Exception.class)
    public StoredInstance record(DicomHeader header, Instance.Status status, String rejectionReason,
            String contentSha256, long sizeBytes, long maxStudyBytes, Instant receivedAt)
            throws SizeLimitException, InvalidInstanceException {
        Study study = lockStudy(header.studyInstanceUid(), receivedAt);
        Instance held = Instance.findByUid(header.sopInstanceUid());
        if (held != null) {
            return asHeld(held, contentSha256);
        }
        if (study.storedBytes + sizeBytes > maxStudyBytes) {
            throw new SizeLimitException("study " + study.studyInstanceUid + " would hold "
                    + (study.storedBytes + sizeBytes) + " bytes, more than glean.ingest.max-study-size = "
                    + maxStudyBytes + " bytes");
        }
        Instance instance = new Instance();
        instance.series = seriesOf(study, header);
        instance.sopInstanceUid = header.sopInstanceUid();
        instance.sopClassUid = header.sopClassUid();
        instance.transferSyntaxUid = header.transferSyntaxUid();
        instance.instanceNumber = header.instanceNumber();
        instance.rows = header.rows();
        instance.columns = header.columns();
        instance.numberOfFrames = header.numberOfFrames();
        instance.contentSha256 = contentSha256;
        instance.sizeBytes = sizeBytes;
        instance.status = status;
        instance.rejectionReason = rejectionReason;
        instance.receivedAt = receivedAt;
        instance.persist();
        study.storedBytes += sizeBytes;
        study.lastReceivedAt = receivedAt;
        study.reception = Study.Reception.RECEIVING;
        study.completedAt = null;
        return new StoredInstance(study.studyInstanceUid, instance.sopInstanceUid, status, rejectionReason,
                StoredInstance.Disposition.STORED);
    }

    /** The instance stored with exactly these bytes, if any. */
    @Transactional
    public Optional<StoredInstance> findByContent(String contentSha256) {
        return Instance.<Instance>find("contentSha256", contentSha256).firstResultOptional()
                .map(held -> asHeld(held, contentSha256));
    }

    /** Whether any instance record names this stored file. */
    @Transactional
    public boolean isReferenced(String contentSha256) {
        return Instance.count("contentSha256", contentSha256) > 0;
    }

    /** Marks a receiving study complete; false when it was not receiving (or is unknown). */
    @Transactional
    public boolean markComplete(String studyInstanceUid, Instant completedAt) {
        return Study.update("reception = ?1, completedAt = ?2 where studyInstanceUid = ?3 and reception = ?4",
                Study.Reception.COMPLETE, completedAt, studyInstanceUid, Study.Reception.RECEIVING) > 0;
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

    // Creates the study if it is new, then holds its row until the transaction ends. A study
    // created here disappears with a rolled-back transaction, so a refused first instance
    // leaves no empty study behind.
    private static Study lockStudy(String studyInstanceUid, Instant receivedAt) {
        Study.getEntityManager().createNativeQuery("""
                INSERT INTO study (study_instance_uid, reception, stored_bytes, first_received_at, last_received_at)
                VALUES (?1, 'RECEIVING', 0, ?2, ?2)
                ON CONFLICT (study_instance_uid) DO NOTHING""")
                .setParameter(1, studyInstanceUid)
                .setParameter(2, receivedAt)
                .executeUpdate();
        return Study.<Study>find("studyInstanceUid", studyInstanceUid)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .singleResult();
    }

    private static Series seriesOf(Study study, DicomHeader header) throws InvalidInstanceException {
        Series series = Series.findByUid(header.seriesInstanceUid());
        if (series == null) {
            series = new Series();
            series.study = study;
            series.seriesInstanceUid = header.seriesInstanceUid();
            series.modality = header.modality();
            series.seriesNumber = header.seriesNumber();
            series.persist();
        } else if (!series.study.id.equals(study.id)) {
            throw new InvalidInstanceException("SeriesInstanceUID " + header.seriesInstanceUid()
                    + " already belongs to study " + series.study.studyInstanceUid + ", not to study "
                    + study.studyInstanceUid + "; a series lies in one study");
        }
        return series;
    }

    private static StoredInstance asHeld(Instance held, String receivedSha256) {
        StoredInstance.Disposition disposition = held.contentSha256.equals(receivedSha256)
                ? StoredInstance.Disposition.ALREADY_STORED
                : StoredInstance.Disposition.CONFLICTING_COPY_DISCARDED;
        return new StoredInstance(held.series.study.studyInstanceUid, held.sopInstanceUid, held.status,
                held.rejectionReason, disposition);
    }
}
