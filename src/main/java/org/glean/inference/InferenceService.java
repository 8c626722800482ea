package org.glean.inference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.glean.curation.CurationDecision;
import org.glean.curation.CurationService;
import org.glean.curation.ScoredStudy;
import org.glean.detector.ModalityFrame;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.ingest.Instance;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyReceived;
import org.glean.ingest.StudyRecord;
import org.glean.ingest.StudyRepository;
import org.glean.metrics.PipelineMetrics;
import org.glean.metrics.PipelineStage;
import org.jboss.logging.Logger;

/**
 * Scores stored studies: decodes the frames of every accepted instance from the store, runs the
 * detector on them in batches of glean.inference.batch-size (in this process or on a remote
 * instance), z-scores the objects' uncertainties and rates images and the study (method.md §5),
 * and persists the result. A frame that cannot be decoded is reported with its reason and the
 * others are scored. Logs name studies and instances by UID only.
 */
@ApplicationScoped
public class InferenceService {

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
    private final CurationService curation;
    private final PipelineMetrics metrics;

    public InferenceService(DicomReader reader, InstanceStore store, StudyRepository studies,
            AnalysisRepository analyses, DetectionBackend backend, InferenceConfig config, ModelRegistry registry,
            CurationService curation, PipelineMetrics metrics) {
        this.metrics = metrics;
        this.registry = registry;
        this.curation = curation;
        this.reader = reader;
        this.store = store;
        this.studies = studies;
        this.analyses = analyses;
        this.backend = backend;
        this.config = config;
    }

    /** C-STORE studies are scored once their quiet period has passed; IngestStudy scores its own. */
    void onStudyReceived(@Observes StudyReceived event) {
        if (event.completion() != StudyReceived.Completion.QUIET_PERIOD_PASSED) {
            return;
        }
        try {
            analyse(event.studyInstanceUid());
        } catch (NoModelException e) {
            LOG.debugf("Study %s is not scored: %s", event.studyInstanceUid(), e.getMessage());
        } catch (BackendUnavailableException e) {
            LOG.warnf("Study %s is not scored: %s", event.studyInstanceUid(), e.getMessage());
        }
    }

    /**
     * Scores the study as stored now, persists the analysis (replacing an earlier one by the same
     * model version) and has curation decide whether clinicians annotate it.
     *
     * @throws IllegalArgumentException when Glean holds no such study
     */
    public StudyScores analyse(String studyInstanceUid) throws NoModelException, BackendUnavailableException {
        if (noLocalModel()) {
            // known before decoding a single frame
            throw ModelRegistry.noModel();
        }
        StudyRecord study = studies.load(studyInstanceUid)
                .orElseThrow(() -> new IllegalArgumentException("study " + studyInstanceUid + " is not stored"));
        Map<String, String> content = analyses.acceptedContent(studyInstanceUid);
        for (int attempt = 1; ; attempt++) {
            try {
                StudyScores scores = score(study, content);
                long start = System.nanoTime();
                analyses.save(studyInstanceUid, scores, Instant.now());
                if (!scores.images().isEmpty()) {
                    curation.decide(scores.toScoredStudy(studyInstanceUid), scores.classes());
                }
                metrics.recordSince(PipelineStage.PERSISTENCE, start);
                return scores;
            } catch (ModelChangedException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new IllegalStateException("the model version kept changing while study " + studyInstanceUid
                            + " was scored", e);
                }
            }
        }
    }

    /** The study's most recent persisted analysis. */
    public Optional<StudyScores> stored(String studyInstanceUid) {
        return analyses.latest(studyInstanceUid);
    }

    /** Curation's decision for the study under the model version of {@code analysis}, its stored analysis. */
    public Optional<CurationDecision> decision(String studyInstanceUid, Optional<StudyScores> analysis) {
        return analysis.flatMap(scores -> curation.decision(studyInstanceUid, scores.modelVersion()));
    }

    /** The study's most recent analysis as curation takes it. */
    public Optional<ScoredStudy> scoredStudy(String studyInstanceUid) {
        return stored(studyInstanceUid).map(scores -> scores.toScoredStudy(studyInstanceUid));
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

    private StudyScores score(StudyRecord study, Map<String, String> content)
            throws NoModelException, BackendUnavailableException, ModelChangedException {
        try (DetectionBackend.Session session = backend.session()) {
            return score(study, content, new Batches(session));
        }
    }

    private StudyScores score(StudyRecord study, Map<String, String> content, Batches batches)
            throws NoModelException, BackendUnavailableException, ModelChangedException {
        int decodeFailures = 0;
        for (StudyRecord.SeriesRecord series : study.series()) {
            for (StudyRecord.InstanceRecord instance : series.instances()) {
                if (instance.status() != Instance.Status.ACCEPTED) {
                    continue;
                }
                String failure = null;
                DecodedImage decoded = null;
                long start = System.nanoTime();
                try {
                    decoded = reader.decode(store.pathOf(content.get(instance.sopInstanceUid())));
                } catch (MalformedDicomException | UnsupportedDicomException | RuntimeException e) {
                    failure = "the stored instance could not be decoded again: " + e.getMessage();
                }
                metrics.recordSince(PipelineStage.INFERENCE_DECODE, start);
                if (decoded == null) {
                    decodeFailures++;
                    LOG.warnf("Study %s: SOPInstanceUID %s not analysed: %s", study.studyInstanceUid(),
                            instance.sopInstanceUid(), failure);
                    for (int frame = 1; frame <= instance.numberOfFrames(); frame++) {
                        batches.failed(new StudyScorer.AnalysedFrame(instance.sopInstanceUid(), frame, instance.rows(),
                                instance.columns(), List.of(), failure));
                    }
                    continue;
                }
                DicomHeader header = decoded.header();
                for (int frame = 0; frame < decoded.frames().size(); frame++) {
                    batches.add(instance.sopInstanceUid(), frame + 1, new ModalityFrame(decoded.frames().get(frame),
                            header.rows(), header.columns(), header.modality(), header.windowCenter(),
                            header.windowWidth()));
                }
            }
        }
        batches.flush();
        if (batches.answer == null) {
            // No frame to analyse: the study is still scored, by the model that would have.
            batches.answer = batches.session.detect(List.of());
            batches.modelVersion = batches.answer.modelVersion();
        }
        long start = System.nanoTime();
        StudyScores scores = StudyScorer.score(batches.modelVersion, batches.answer.classes(),
                batches.answer.statistics(), config.aggregation(), batches.frames);
        metrics.recordSince(PipelineStage.UNCERTAINTY, start);
        LOG.infof("Study %s scored by model %s: %d frames, %d instances not decodable, informativeness %s",
                study.studyInstanceUid(), scores.modelVersion(), scores.images().size(), decodeFailures,
                scores.drivenBy() == null ? "none (no objects)" : Double.toString(scores.informativeness()));
        return scores;
    }

    /** Frames wait here until a batch is full, so that a study's frames are never all in memory. */
    private final class Batches {
        private final DetectionBackend.Session session;
        private final List<StudyScorer.AnalysedFrame> frames = new ArrayList<>();
        private final List<Integer> pendingPositions = new ArrayList<>();
        private final List<ModalityFrame> pending = new ArrayList<>();
        private String modelVersion;
        private DetectedFrames answer;

        Batches(DetectionBackend.Session session) {
            this.session = session;
        }

        void failed(StudyScorer.AnalysedFrame frame) {
            frames.add(frame);
        }

        void add(String sopInstanceUid, int frame, ModalityFrame pixels)
                throws NoModelException, BackendUnavailableException, ModelChangedException {
            pendingPositions.add(frames.size());
            frames.add(new StudyScorer.AnalysedFrame(sopInstanceUid, frame, pixels.rows(), pixels.columns(),
                    List.of(), null));
            pending.add(pixels);
            if (pending.size() >= config.batchSize()) {
                flush();
            }
        }

        void flush() throws NoModelException, BackendUnavailableException, ModelChangedException {
            if (pending.isEmpty()) {
                return;
            }
            DetectedFrames detected = session.detect(List.copyOf(pending));
            if (modelVersion != null && !modelVersion.equals(detected.modelVersion())) {
                throw new ModelChangedException();
            }
            modelVersion = detected.modelVersion();
            answer = detected;
            for (int i = 0; i < pending.size(); i++) {
                int position = pendingPositions.get(i);
                StudyScorer.AnalysedFrame frame = frames.get(position);
                frames.set(position, new StudyScorer.AnalysedFrame(frame.sopInstanceUid(), frame.frame(), frame.rows(),
                        frame.columns(), detected.frames().get(i), null));
            }
            pending.clear();
            pendingPositions.clear();
        }
    }

    private static final class ModelChangedException extends Exception {
        ModelChangedException() {
            super(null, null, false, false);
        }
    }
}
