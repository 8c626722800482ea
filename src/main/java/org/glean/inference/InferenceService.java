package org.glean.inference;

import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.ingest.FramesOnReceipt;
import org.glean.ingest.Instance;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.ScpConfig;
import org.glean.ingest.StudyReceived;
import org.glean.ingest.StudyRecord;
import org.glean.ingest.StudyFramesOnReceipt;
import org.glean.ingest.StudyRepository;
import org.glean.metrics.PipelineMetrics;
import org.glean.metrics.PipelineStage;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * Scores studies: runs the detector on the frames of every accepted instance — those an
 * IngestStudy call decoded on receipt ({@link ScoringOnReceipt}), the others decoded from the
 * store — in batches of glean.inference.batch-size (in this process or on a remote instance),
 * z-scores the objects' uncertainties and rates images and the study (method.md §5), and persists
 * the result with curation's decision in one transaction, then fires {@link StudyScored}. A frame
 * that cannot be decoded is reported with its reason and the others are scored. Logs name studies
 * and instances by UID only.
 */
@ApplicationScoped
public class InferenceService implements StudyFramesOnReceipt {

    private static final Logger LOG = Logger.getLogger(InferenceService.class);
    // In remote mode, a model swapped on the inference instance while a study is scored makes its
    // batches disagree; the study is scored again. In process, a study keeps its model (a session).
    private static final int MAX_ATTEMPTS = 2;

    private final DicomReader reader;
    private final InstanceStore store;
    private final StudyRepository studies;
    private final AnalysisRepository analyses;
    private final DetectionBackend backend;
    private final InferenceConfig config;
    private final ModelRegistry registry;
    private final StudyDecider decider;
    private final PipelineMetrics metrics;
    private final Event<StudyScored> studyScored;
    private final ScpConfig scpConfig;
    // The detector's batches for studies scored on receipt: a pool of their own, because the
    // fronts' steps wait for them and never the reverse.
    private final ExecutorService detectors = detectorPool();
    // Studies pushed over C-STORE that are being scored on receipt, until their quiet period passes.
    private final Map<String, ScoringOnReceipt> pushedStudies = new ConcurrentHashMap<>();

    public InferenceService(DicomReader reader, InstanceStore store, StudyRepository studies,
            AnalysisRepository analyses, DetectionBackend backend, InferenceConfig config, ModelRegistry registry,
            StudyDecider decider, PipelineMetrics metrics, Event<StudyScored> studyScored, ScpConfig scpConfig) {
        this.metrics = metrics;
        this.scpConfig = scpConfig;
        this.studyScored = studyScored;
        this.registry = registry;
        this.decider = decider;
        this.reader = reader;
        this.store = store;
        this.studies = studies;
        this.analyses = analyses;
        this.backend = backend;
        this.config = config;
    }

    /**
     * C-STORE studies are scored once their quiet period has passed (with the frames detected on
     * receipt, see {@link #of}), studies from a PACS source once retrieved; IngestStudy scores its own.
     */
    void onStudyReceived(@Observes StudyReceived event) {
        if (event.completion() == StudyReceived.Completion.CALL_ENDED) {
            return;
        }
        String studyInstanceUid = event.studyInstanceUid();
        ScoringOnReceipt onReceipt = pushedStudies.remove(studyInstanceUid);
        try {
            if (onReceipt == null) {
                analyse(studyInstanceUid);
            } else {
                onReceipt.lastInstanceReceived();
                onReceipt.finish(studyInstanceUid);
            }
        } catch (NoModelException e) {
            LOG.debugf("Study %s is not scored: %s", UidReference.of(studyInstanceUid), e.getMessage());
        } catch (BackendUnavailableException e) {
            LOG.warnf("Study %s is not scored: %s", UidReference.of(studyInstanceUid), e.getMessage());
        }
    }

    /**
     * Scores a study pushed over C-STORE while it arrives: its frames go to the detector as they
     * come, and the study is finished with them once its quiet period has passed.
     */
    @Override
    public FramesOnReceipt of(String studyInstanceUid) {
        if (noLocalModel()) {
            return FramesOnReceipt.NONE;
        }
        return pushedStudies.computeIfAbsent(studyInstanceUid, uid -> scoreOnReceipt());
    }

    /**
     * Scores the study as stored now, persists the analysis (replacing an earlier one by the same
     * model version) and has curation decide whether clinicians annotate it.
     *
     * @throws IllegalArgumentException when Glean holds no such study
     */
    public StudyScores analyse(String studyInstanceUid) throws NoModelException, BackendUnavailableException {
        return analyseStored(studyInstanceUid).scores();
    }

    /**
     * Drops the scoring of pushed studies that received no frame for {@code idle}: one none of
     * whose instances was recorded (each refused, or the database down) never completes, and its
     * scoring holds a model session. Should such a study complete after all, it is scored from the
     * store.
     *
     * @return how many were dropped
     */
    public int dropScoringsIdleFor(Duration idle) {
        int dropped = 0;
        for (Map.Entry<String, ScoringOnReceipt> study : pushedStudies.entrySet()) {
            if (study.getValue().idleFor(idle) && pushedStudies.remove(study.getKey(), study.getValue())) {
                study.getValue().close();
                dropped++;
            }
        }
        return dropped;
    }

    // A recorded study completes one quiet period after its last instance; twice that, and a
    // minute more, leaves no doubt that it never will.
    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void dropAbandonedScorings() {
        int dropped = dropScoringsIdleFor(scpConfig.studyQuietPeriod().multipliedBy(2).plusMinutes(1));
        if (dropped > 0) {
            LOG.infof("Dropped the scoring of %d pushed studies of which no instance was recorded", dropped);
        }
    }

    /** Starts scoring a study while it is received. See {@link ScoringOnReceipt}. */
    public ScoringOnReceipt scoreOnReceipt() {
        return new ScoringOnReceipt(this, detectors, config.batchSize());
    }

    // After the graceful drain (org.glean.server.ServerShutdown): what still runs has outlasted it.
    @PreDestroy
    void stopDetecting() {
        pushedStudies.values().forEach(ScoringOnReceipt::close);
        detectors.shutdownNow();
    }

    private static ExecutorService detectorPool() {
        AtomicInteger threadNumber = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), runnable -> {
            Thread thread = new Thread(runnable, "ingest-detect-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@link #analyse}, every frame decoded from the store. */
    AnalysedStudy analyseStored(String studyInstanceUid) throws NoModelException, BackendUnavailableException {
        for (int attempt = 1; ; attempt++) {
            try (DetectionBackend.Session session = openSession()) {
                return completeAndPersist(studyInstanceUid, new StudyDetections(session, config.batchSize()));
            } catch (StudyDetections.ModelChangedException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new IllegalStateException("the model version kept changing while study "
                            + UidReference.of(studyInstanceUid) + " was scored", e);
                }
            }
        }
    }

    /** A session of the detector; known to fail before a single frame is decoded when no model is installed here. */
    DetectionBackend.Session openSession() throws NoModelException {
        if (noLocalModel()) {
            throw ModelRegistry.noModel();
        }
        return backend.session();
    }

    /**
     * Scores the study as stored now — the instances {@code detections} holds by their bytes as
     * detected there, the others decoded from the store — and persists the analysis and curation's
     * decision in one transaction.
     *
     * @throws IllegalArgumentException when Glean holds no such study
     */
    AnalysedStudy completeAndPersist(String studyInstanceUid, StudyDetections detections)
            throws NoModelException, BackendUnavailableException, StudyDetections.ModelChangedException {
        StudyRecord study = studies.load(studyInstanceUid)
                .orElseThrow(() -> new IllegalArgumentException("study " + UidReference.of(studyInstanceUid)
                        + " is not stored"));
        StudyScores scores = score(study, analyses.acceptedContent(studyInstanceUid), detections);
        long start = System.nanoTime();
        Optional<StudyDecision> decision = persist(studyInstanceUid, scores);
        metrics.recordSince(PipelineStage.PERSISTENCE, start);
        studyScored.fire(new StudyScored(studyInstanceUid, scores, decision));
        return new AnalysedStudy(study, scores);
    }

    /** The study's most recent persisted analysis. */
    public Optional<StudyScores> stored(String studyInstanceUid) {
        return analyses.latest(studyInstanceUid);
    }

    /** Why a stored study has no analysis: no model installed here, or not scored yet. */
    public String notScoredReason() {
        return noLocalModel()
                ? ModelRegistry.NO_MODEL
                : "not scored yet: the study is scored when its IngestStudy call ends or its C-STORE quiet period passes";
    }

    private boolean noLocalModel() {
        return config.mode() == InferenceConfig.Mode.IN_PROCESS && registry.currentVersionId() == null;
    }

    private Optional<StudyDecision> persist(String studyInstanceUid, StudyScores scores) {
        Instant analysedAt = Instant.now();
        if (scores.images().isEmpty()) {
            analyses.save(studyInstanceUid, scores, analysedAt);
            return Optional.empty();
        }
        return Optional.of(decider.decide(studyInstanceUid, scores,
                connection -> analyses.save(connection, studyInstanceUid, scores, analysedAt)));
    }

    private StudyScores score(StudyRecord study, Map<String, String> content, StudyDetections detections)
            throws NoModelException, BackendUnavailableException, StudyDetections.ModelChangedException {
        Map<String, String> failures = new HashMap<>();
        for (StudyRecord.SeriesRecord series : study.series()) {
            for (StudyRecord.InstanceRecord instance : series.instances()) {
                String contentSha256 = content.get(instance.sopInstanceUid());
                if (instance.status() != Instance.Status.ACCEPTED
                        || contentSha256 != null && detections.holds(contentSha256)) {
                    continue;
                }
                DecodedImage decoded = null;
                String failure = null;
                long start = System.nanoTime();
                if (contentSha256 == null) {
                    // the only accepted instances without content are those whose file is missing
                    failure = "its file is missing from the instance store; send the instance again";
                } else {
                    try {
                        decoded = reader.decode(store.pathOf(contentSha256));
                    } catch (MalformedDicomException | UnsupportedDicomException | RuntimeException e) {
                        failure = "the stored instance could not be decoded again: " + e.getMessage();
                    }
                }
                if (failure != null) {
                    failures.put(instance.sopInstanceUid(), failure);
                    LOG.warnf("Study %s: SOPInstanceUID %s not analysed: %s", UidReference.of(study.studyInstanceUid()),
                            UidReference.of(instance.sopInstanceUid()), failure);
                }
                metrics.recordSince(PipelineStage.INFERENCE_DECODE, start);
                if (decoded != null) {
                    detections.add(contentSha256, decoded);
                }
            }
        }
        detections.flush();
        List<StudyScorer.AnalysedFrame> frames = new ArrayList<>();
        for (StudyRecord.SeriesRecord series : study.series()) {
            for (StudyRecord.InstanceRecord instance : series.instances()) {
                if (instance.status() == Instance.Status.ACCEPTED) {
                    frames.addAll(analysedFrames(instance, content.get(instance.sopInstanceUid()), detections,
                            failures.get(instance.sopInstanceUid())));
                }
            }
        }
        long start = System.nanoTime();
        StudyScores scores = StudyScorer.score(detections.modelVersion(), detections.classes(),
                detections.statistics(), config.aggregation(), config.objectThreshold(), frames);
        metrics.recordSince(PipelineStage.UNCERTAINTY, start);
        LOG.infof("Study %s scored by model %s: %d frames, %d instances not decodable, informativeness %s",
                UidReference.of(study.studyInstanceUid()), scores.modelVersion(), scores.images().size(),
                failures.size(),
                scores.drivenBy() == null ? "none (no objects)" : Double.toString(scores.informativeness()));
        return scores;
    }

    // An instance that could not be decoded is reported on each of its frames, with the reason.
    private static List<StudyScorer.AnalysedFrame> analysedFrames(StudyRecord.InstanceRecord instance,
            String contentSha256, StudyDetections detections, String failure) {
        List<StudyScorer.AnalysedFrame> frames = new ArrayList<>();
        if (failure != null) {
            for (int frame = 1; frame <= instance.numberOfFrames(); frame++) {
                frames.add(new StudyScorer.AnalysedFrame(instance.sopInstanceUid(), frame, instance.rows(),
                        instance.columns(), List.of(), failure));
            }
            return frames;
        }
        List<List<FoundObject>> objects = detections.objects(contentSha256);
        for (int frame = 0; frame < objects.size(); frame++) {
            frames.add(new StudyScorer.AnalysedFrame(instance.sopInstanceUid(), frame + 1, instance.rows(),
                    instance.columns(), objects.get(frame), null));
        }
        return frames;
    }
}
