package org.glean.retention;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.glean.curation.CurationService;
import org.glean.dicom.DicomUid;
import org.glean.inference.AnalysisRepository;
import org.glean.ingest.StoreRemovals;
import org.glean.ingest.StudyNotFoundException;
import org.glean.ingest.StudyRepository;
import org.glean.pacs.Outbox;
import org.glean.persistence.Jdbc;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.training.FineTuneJobs;
import org.jboss.logging.Logger;

/**
 * The one way a study is deleted, whoever asks (an admin's DeleteStudy, the retention period):
 * in one transaction the study's row is locked, its analyses, annotation tasks (submitted
 * annotations included), documents in the PACS outbox, instances and series are deleted, its files are listed for removal and
 * the deletion is recorded in the audit trail; fine-tuning jobs' reasons that named its UIDs name
 * them no more. Once that has committed nothing of the study is visible, and its files are
 * removed ({@link StoreRemovals}). Model versions trained on its annotations stay: their
 * parameters are what training made of them, and no file, UID or box of the study is kept with
 * them.
 */
@ApplicationScoped
public class StudyDeletion {

    private static final Logger LOG = Logger.getLogger(StudyDeletion.class);

    private final StudyRepository studies;
    private final AnalysisRepository analyses;
    private final CurationService curation;
    private final StoreRemovals removals;
    private final FineTuneJobs fineTuning;
    private final Outbox outbox;
    private final AuditTrail trail;
    private final DataSource dataSource;

    public StudyDeletion(StudyRepository studies, AnalysisRepository analyses, CurationService curation,
            StoreRemovals removals, FineTuneJobs fineTuning, Outbox outbox, AuditTrail trail, DataSource dataSource) {
        this.studies = studies;
        this.analyses = analyses;
        this.curation = curation;
        this.removals = removals;
        this.fineTuning = fineTuning;
        this.outbox = outbox;
        this.trail = trail;
        this.dataSource = dataSource;
    }

    /**
     * Deletes the study. When an earlier deletion of it committed but did not remove all its
     * files (the process stopped, a file could not be removed), this finishes that instead.
     *
     * @param why in words, for the audit trail: who asked is {@code actor}, this says on what grounds
     * @throws IllegalArgumentException when the UID is not a valid DICOM UID
     * @throws StudyNotFoundException when no such study is stored and nothing of one is left
     */
    public DeletedStudy delete(String studyInstanceUid, Actor actor, String why) throws StudyNotFoundException {
        if (!DicomUid.isValid(studyInstanceUid)) {
            throw new IllegalArgumentException("not a valid StudyInstanceUID: a UID is digits and dots, at most 64 "
                    + "characters");
        }
        Optional<DeletedStudy> deleted;
        try {
            deleted = Jdbc.inTransaction(dataSource, connection -> {
                Optional<Long> studyId = studies.lockForDeletion(connection, studyInstanceUid);
                if (studyId.isEmpty()) {
                    return Optional.empty();
                }
                int analysesDeleted = analyses.deleteOfStudy(connection, studyId.get());
                CurationService.DeletedTasks tasks = curation.deleteTasksOf(connection, studyInstanceUid);
                outbox.deleteOfStudy(connection, studyInstanceUid);
                StudyRepository.DeletedRows rows = studies.deleteLocked(connection, studyId.get(), studyInstanceUid);
                List<String> uids = new ArrayList<>(rows.sopInstanceUids());
                uids.add(studyInstanceUid);
                fineTuning.forget(connection, uids);
                trail.append(connection, AuditEntry.of(actor, AuditAction.STUDY_DELETED).study(studyInstanceUid)
                        .detail(why + ": " + rows.series() + " series, " + rows.instances() + " instance(s), "
                                + rows.files() + " file(s), " + analysesDeleted + " analysis(es), " + tasks.tasks()
                                + " task(s) of which " + tasks.submitted() + " submitted"));
                return Optional.of(new DeletedStudy(studyInstanceUid, rows.series(), rows.instances(),
                        analysesDeleted, tasks.tasks(), tasks.submitted(), 0));
            });
        } catch (SQLException e) {
            throw new PersistenceException("deleting a study failed, and nothing of it was deleted: "
                    + e.getMessage(), e);
        }
        if (deleted.isEmpty()) {
            return finishEarlierDeletion(studyInstanceUid, actor, why);
        }
        int removed = removals.removeListed(studyInstanceUid);
        DeletedStudy study = deleted.get();
        LOG.infof("Deleted a study (%s): %d instance(s), %d file(s) removed, %d task(s)", why, study.instances(),
                removed, study.tasks());
        return new DeletedStudy(studyInstanceUid, study.series(), study.instances(), study.analyses(), study.tasks(),
                study.submittedAnnotations(), removed);
    }

    private DeletedStudy finishEarlierDeletion(String studyInstanceUid, Actor actor, String why)
            throws StudyNotFoundException {
        int listed = removals.listed(studyInstanceUid);
        if (listed == 0) {
            throw new StudyNotFoundException(studyInstanceUid);
        }
        int removed = removals.removeListed(studyInstanceUid);
        trail.append(AuditEntry.of(actor, AuditAction.STUDY_DELETED).study(studyInstanceUid)
                .detail(why + ": finished an earlier deletion, " + removed + " of " + listed + " file(s) removed"));
        return new DeletedStudy(studyInstanceUid, 0, 0, 0, 0, 0, removed);
    }
}
