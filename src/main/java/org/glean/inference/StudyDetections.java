package org.glean.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glean.detector.ModalityFrame;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomHeader;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * The detector's answers for one study's instances, gathered on one session: frames wait here
 * until a batch of glean.inference.batch-size is full, so that a study's frames are never all in
 * memory. Answers are kept per instance by the SHA-256 of its bytes, so that an instance detected
 * when it was received is not decoded and detected again, and a copy with other bytes never
 * passes for it. Not thread-safe: one thread at a time.
 */
final class StudyDetections {

    private final DetectionBackend.Session session;
    private final int batchSize;
    // content SHA-256 → per frame, its objects (null until its batch ran)
    private final Map<String, List<List<FoundObject>>> byContent = new HashMap<>();
    private final List<String> pendingContent = new ArrayList<>();
    private final List<Integer> pendingFrame = new ArrayList<>();
    private final List<ModalityFrame> pending = new ArrayList<>();
    private String modelVersion;
    private List<String> classes;
    private UncertaintyStatistics statistics;

    StudyDetections(DetectionBackend.Session session, int batchSize) {
        this.session = session;
        this.batchSize = batchSize;
    }

    /** Queues every frame of a decoded instance; runs the detector on each batch that fills. */
    void add(String contentSha256, DecodedImage decoded) throws NoModelException, BackendUnavailableException,
            ModelChangedException {
        if (byContent.containsKey(contentSha256)) {
            return;
        }
        DicomHeader header = decoded.header();
        byContent.put(contentSha256, new ArrayList<>(Collections.nCopies(decoded.frames().size(), null)));
        for (int frame = 0; frame < decoded.frames().size(); frame++) {
            pendingContent.add(contentSha256);
            pendingFrame.add(frame);
            pending.add(new ModalityFrame(decoded.frames().get(frame), header.rows(), header.columns(),
                    header.modality(), header.windowCenter(), header.windowWidth()));
            if (pending.size() >= batchSize) {
                flush();
            }
        }
    }

    /** Whether the instance with these bytes was added. */
    boolean holds(String contentSha256) {
        return byContent.containsKey(contentSha256);
    }

    /** The objects on each frame of an added instance; only after {@link #flush}. */
    List<List<FoundObject>> objects(String contentSha256) {
        return byContent.get(contentSha256);
    }

    /** Runs the detector on the frames still waiting; with none detected yet, on none, to learn the model. */
    void flush() throws NoModelException, BackendUnavailableException, ModelChangedException {
        if (pending.isEmpty() && modelVersion != null) {
            return;
        }
        DetectedFrames detected = session.detect(List.copyOf(pending));
        if (modelVersion != null && !modelVersion.equals(detected.modelVersion())) {
            throw new ModelChangedException();
        }
        modelVersion = detected.modelVersion();
        classes = detected.classes();
        statistics = detected.statistics();
        for (int i = 0; i < pending.size(); i++) {
            byContent.get(pendingContent.get(i)).set(pendingFrame.get(i), detected.frames().get(i));
        }
        pending.clear();
        pendingContent.clear();
        pendingFrame.clear();
    }

    /** The model version that answered; only after {@link #flush}. */
    String modelVersion() {
        return modelVersion;
    }

    List<String> classes() {
        return classes;
    }

    /** That version's normalisation statistics; null when it has none. */
    UncertaintyStatistics statistics() {
        return statistics;
    }

    /** A remote backend answered with another model version than earlier batches of the study. */
    static final class ModelChangedException extends Exception {
        ModelChangedException() {
            super(null, null, false, false);
        }
    }
}
