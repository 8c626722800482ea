package org.glean.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.glean.detector.DecoderSettings;
import org.glean.detector.Detection;
import org.glean.detector.Detector;
import org.glean.detector.ModalityFrame;
import org.glean.detector.PreprocessedImage;
import org.glean.training.DetectorEvaluation;

/**
 * The detector in this process: frames are preprocessed as the model was trained, then run in
 * batches of {@code batchSize}, one batch at a time (the engine's threads already use every
 * core; batches side by side would only compete for them). Every call holds a lease on its model
 * version, so that a promotion meanwhile never closes the network under it.
 */
public final class LocalDetectionBackend implements DetectionBackend {

    private final ModelSupplier models;
    private final int batchSize;
    private final DecoderSettings decoder;
    private final ReentrantLock engine = new ReentrantLock(true);

    public LocalDetectionBackend(ModelSupplier models, int batchSize, double objectThreshold) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("glean.inference.batch-size must be at least 1, got " + batchSize);
        }
        this.models = models;
        this.batchSize = batchSize;
        this.decoder = DecoderSettings.DEFAULT.withScoreThreshold(objectThreshold);
    }

    @Override
    public DetectedFrames detect(List<ModalityFrame> frames) throws NoModelException {
        try (ModelLease lease = models.lease().orElseThrow(ModelRegistry::noModel)) {
            return detect(lease.model(), frames);
        }
    }

    @Override
    public Session session() throws NoModelException {
        ModelLease lease = models.lease().orElseThrow(ModelRegistry::noModel);
        return new Session() {
            @Override
            public DetectedFrames detect(List<ModalityFrame> frames) {
                return LocalDetectionBackend.this.detect(lease.model(), frames);
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }

    private DetectedFrames detect(ActiveModel model, List<ModalityFrame> frames) {
        Detector detector = model.detector();
        List<List<FoundObject>> found = new ArrayList<>(frames.size());
        for (int start = 0; start < frames.size(); start += batchSize) {
            List<PreprocessedImage> batch = frames.subList(start, Math.min(frames.size(), start + batchSize)).stream()
                    .map(detector.preprocessing()::apply)
                    .toList();
            List<List<Detection>> detections;
            engine.lock();
            try {
                detections = detector.detect(batch, decoder);
            } finally {
                engine.unlock();
            }
            for (List<Detection> image : detections) {
                found.add(image.stream().map(LocalDetectionBackend::found).toList());
            }
        }
        return new DetectedFrames(model.versionId(), model.statistics(), detector.config().classes(), found);
    }

    private static FoundObject found(Detection detection) {
        return new FoundObject(detection.pixelBox(), detection.className(), detection.score(),
                DetectorEvaluation.uncertainty(detection));
    }
}
