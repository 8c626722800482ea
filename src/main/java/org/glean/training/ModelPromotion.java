package org.glean.training;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.glean.curation.AnnotationTask;
import org.glean.curation.CurationService;
import org.glean.curation.ScoredStudy;
import org.glean.detector.Detector;
import org.glean.dicom.DicomReader;
import org.glean.inference.ActiveModel;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.BackendUnavailableException;
import org.glean.inference.Calibration;
import org.glean.inference.InferenceConfig;
import org.glean.inference.InferenceService;
import org.glean.inference.ModelRegistry;
import org.glean.inference.ModelVersionRepository;
import org.glean.inference.NoModelException;
import org.glean.inference.StudyScores;
import org.glean.ingest.InstanceStore;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * Puts a model version in service — after a passed gate, by an operator's Promote, or by a
 * Rollback — always the same way: the new version is loaded beside the serving one, its
 * normalisation statistics are fitted over the stored studies (method.md §5.1; a sample of at
 * most glean.training.calibration-instances instances, so that a promotion takes seconds, not
 * hours; when the pool holds no object, the statistics its job computed on the held-out studies
 * stay), the registry swaps it in (calls in flight finish on the old one), and every study whose
 * task waits unclaimed in the queue is scored again, so that the queue orders it under the new
 * version. The swap, its lineage and its audit trail row are one transaction. One change at a time.
 */
@ApplicationScoped
public class ModelPromotion {

    private static final Logger LOG = Logger.getLogger(ModelPromotion.class);

    private final ModelRegistry registry;
    private final ModelVersionRepository versions;
    private final ModelLineage lineage;
    private final AnalysisRepository analyses;
    private final InstanceStore store;
    private final DicomReader reader;
    private final InferenceConfig inference;
    private final InferenceService scoring;
    private final CurationService curation;
    private final AuditTrail trail;
    private final int calibrationInstances;

    public ModelPromotion(ModelRegistry registry, ModelVersionRepository versions, ModelLineage lineage,
                          AnalysisRepository analyses, InstanceStore store, DicomReader reader,
                          InferenceConfig inference, InferenceService scoring,
                          CurationService curation, FineTuneConfig config, AuditTrail trail) {
        if (config.calibrationInstances() < 1) {
            throw new IllegalArgumentException("glean.training.calibration-instances must be at least 1, got "
                    + config.calibrationInstances());
        }
        this.calibrationInstances = config.calibrationInstances();
        this.registry = registry;
        this.versions = versions;
        this.lineage = lineage;
        this.analyses = analyses;
        this.store = store;
        this.reader = reader;
        this.inference = inference;
        this.scoring = scoring;
        this.curation = curation;
        this.trail = trail;
    }

    /** Every version, oldest first, with its state, lineage and validation mAP. */
    public List<ModelVersionInfo> versions() {
        registry.currentVersionId();
        return lineage.all();
    }

    /** The learning curve of this deployment, with the annotations submitted so far. */
    public LearningCurve learningCurve() {
        registry.currentVersionId();
        return new LearningCurve(lineage.everCurrent(), curation.submittedCount());
    }

    /** An operator makes a version current, whatever the gate said of it. */
    public synchronized ModelVersionInfo promote(String versionId, Actor actor, String reason)
            throws ModelVersionNotFoundException, TrainingRefusedException {
        refuseRemoteMode();
        if (registry.files(versionId).isEmpty()) {
            throw new ModelVersionNotFoundException("no model version " + versionId + " is installed; ListModels "
                    + "shows the versions");
        }
        if (versionId.equals(registry.currentVersionId())) {
            throw new TrainingRefusedException("model version " + versionId + " is current already");
        }
        swap(versionId, ModelLineage.Action.PROMOTE, actor, reason.isBlank() ? "promoted by hand" : reason, null);
        return info(versionId);
    }

    /** Takes the current version out of service and returns to the one before it. */
    public synchronized ModelVersionInfo rollback(Actor actor, String reason) throws TrainingRefusedException {
        refuseRemoteMode();
        String current = registry.currentVersionId();
        String target = lineage.rollbackTarget().orElseThrow(() -> new TrainingRefusedException(
                "there is no earlier version to roll back to: no version was current before " + current
                        + " (or each was rolled back already)"));
        swap(target, ModelLineage.Action.ROLLBACK, actor, reason.isBlank() ? "rolled back from " + current
                : reason + " (rolled back from " + current + ")", current);
        return info(target);
    }

    /** A fine-tuning job's gate passed: its version goes into service. */
    synchronized void promoteByGate(String versionId, String verdict) {
        swap(versionId, ModelLineage.Action.GATE, Actor.GLEAN, verdict, null);
    }

    /** Records where a job's version came from and what its gate said. */
    void recordOrigin(String versionId, String parentVersion, double validationMap, int annotations,
                      String candidateReason) {
        lineage.recordOrigin(versionId, parentVersion, validationMap, annotations, candidateReason);
    }

    /** Fine-tuning and promotion change this process's model; in remote mode another instance scores. */
    void refuseRemoteMode() throws TrainingRefusedException {
        if (inference.mode() == InferenceConfig.Mode.REMOTE) {
            throw new TrainingRefusedException("glean.inference.mode=remote: the model that scores studies runs on "
                    + inference.remote().host() + ":" + inference.remote().port() + "; fine-tune and promote there");
        }
    }

    private ModelVersionInfo info(String versionId) {
        return lineage.all().stream().filter(version -> version.versionId().equals(versionId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("model version " + versionId + " vanished"));
    }

    // rolledBack: the version a rollback takes out of service, marked so that later rollbacks skip it
    private void swap(String versionId, ModelLineage.Action action, Actor actor, String reason, String rolledBack) {
        String previous = registry.currentVersionId();
        Detector detector = registry.load(versionId);
        try {
            calibrate(versionId, detector);
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
        registry.makeCurrent(versionId, detector, connection -> {
            ModelLineage.recordPromotion(connection, action, versionId, previous, actor.name(), reason);
            if (rolledBack != null) {
                ModelLineage.markRolledBack(connection, rolledBack);
            }
            trail.append(connection, AuditEntry.of(actor, action == ModelLineage.Action.ROLLBACK
                    ? AuditAction.ROLLED_BACK : AuditAction.PROMOTED).target("model " + versionId)
                    .detail(action + ", replacing " + previous + ": " + reason));
        });
        LOG.infof("Model version %s replaced %s (%s by %s): %s", versionId, previous, action, actor.name(), reason);
        rescoreQueue();
    }

    private void calibrate(String versionId, Detector detector) {
        List<Path> pool = analyses.acceptedContentSample(calibrationInstances).stream().map(store::pathOf).toList();
        if (pool.isEmpty()) {
            LOG.infof("Model version %s: no stored study to calibrate on; the statistics of its manifest apply", versionId);
            return;
        }
        try {
            Calibration.Result result = Calibration.over(pool, reader, new ActiveModel(versionId, detector, null),
                    inference.batchSize(), inference.lowestScore());
            versions.saveStatistics(versionId, result.statistics(), Instant.now());
            LOG.infof("Model version %s calibrated over %d stored files (%d frames, %d objects)", versionId,
                    result.files(), result.frames(), result.statistics().objectCount());
        } catch (IllegalStateException e) {
            LOG.warnf("Model version %s not calibrated over the stored studies (%s); the statistics of its manifest apply",
                    versionId, e.getMessage());
        } catch (NoModelException | BackendUnavailableException | SQLException e) {
            throw new IllegalStateException("calibrating model version " + versionId + " failed: " + e.getMessage(), e);
        }
    }

    // Waiting tasks only: a claimed task keeps what its annotator sees.
    private void rescoreQueue() {
        int rescored = 0;
        int failed = 0;
        for (AnnotationTask task : curation.queue((int) Math.min(Integer.MAX_VALUE, curation.waitingCount()))) {
            String study = task.studyInstanceUid();
            try {
                StudyScores scores = scoring.analyse(study);
                if (!scores.images().isEmpty() && curation.rescoreWaiting(ScoredStudy.of(study, scores), scores.classes())) {
                    rescored++;
                }
            } catch (NoModelException | BackendUnavailableException | RuntimeException e) {
                failed++;
                LOG.warnf("Study %s could not be rescored for the queue: %s", UidReference.of(study), e.getMessage());
            }
        }
        LOG.infof("Queue rescored under the new model: %d waiting task(s) rescored, %d failed", rescored, failed);
    }
}
