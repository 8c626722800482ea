package org.glean.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.glean.detector.DecoderSettings;
import org.glean.detector.Detection;
import org.glean.detector.DetectionUncertainty;
import org.glean.detector.Detector;
import org.glean.detector.ModalityFrame;
import org.glean.detector.PreprocessedImage;
import org.glean.metrics.PipelineStage;
import org.glean.metrics.StageTimer;

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
    private final StageTimer timer;

    /** @param lowestScore detections scoring below this are dropped: the candidate (or object) threshold */
    public LocalDetectionBackend(ModelSupplier models, int batchSize, double lowestScore) {
        this(models, batchSize, lowestScore, StageTimer.NONE);
    }

    /** @param timer told the time of preprocessing, of the engine's work (the lock's wait excluded) and of uncertainty */
    public LocalDetectionBackend(ModelSupplier models, int batchSize, double lowestScore, StageTimer timer) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("glean.inference.batch-size must be at least 1, got " + batchSize);
        }
        this.models = models;
        this.batchSize = batchSize;
        this.decoder = DecoderSettings.DEFAULT.withScoreThreshold(lowestScore);
        this.timer = timer;
    }

    @Override
    public DetectedFrames detect(List<ModalityFrame> frames) throws NoModelException {
        return detect(frames, () -> false);
    }

    @Override
    public Session session() throws NoModelException {
        ModelLease lease = models.lease().orElseThrow(ModelRegistry::noModel);
        return new Session() {
            @Override
            public DetectedFrames detect(List<ModalityFrame> frames) {
                return LocalDetectionBackend.this.detect(lease.model(), frames, () -> false);
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }

    /**
     * {@link #detect(List)}, looking at {@code stopped} before each batch: once it says so (the
     * caller went away, or its deadline passed), the rest is not detected.
     *
     * @throws CancellationException when stopped before the last batch
     */
    public DetectedFrames detect(List<ModalityFrame> frames, BooleanSupplier stopped) throws NoModelException {
        try (ModelLease lease = models.lease().orElseThrow(ModelRegistry::noModel)) {
            return detect(lease.model(), frames, stopped);
        }
    }

    private DetectedFrames detect(ActiveModel model, List<ModalityFrame> frames, BooleanSupplier stopped) {
        Detector detector = model.detector();
        List<List<FoundObject>> found = new ArrayList<>(frames.size());
        for (int start = 0; start < frames.size(); start += batchSize) {
            if (stopped.getAsBoolean()) {
                throw new CancellationException("detection stopped after " + start + " of " + frames.size() + " frames");
            }
            long preprocessStart = System.nanoTime();
            List<PreprocessedImage> batch = frames.subList(start, Math.min(frames.size(), start + batchSize)).stream()
                    .map(detector.preprocessing()::apply)
                    .toList();
            timer.recordSince(PipelineStage.PREPROCESS, preprocessStart);
            List<List<Detection>> detections;
            long waitStart = System.nanoTime();
            engine.lock();
            long inferenceStart = System.nanoTime();
            timer.recordDetectorWait(inferenceStart - waitStart);
            try {
                detections = detector.detect(batch, decoder);
            } finally {
                timer.recordSince(PipelineStage.INFERENCE, inferenceStart);
                engine.unlock();
            }
            long uncertaintyStart = System.nanoTime();
            for (List<Detection> image : detections) {
                found.add(image.stream().map(LocalDetectionBackend::found).toList());
            }
            timer.recordSince(PipelineStage.UNCERTAINTY, uncertaintyStart);
        }
        return new DetectedFrames(model.versionId(), model.statistics(), detector.config().classes(), found);
    }

    private static FoundObject found(Detection detection) {
        return new FoundObject(detection.pixelBox(), detection.className(), detection.score(),
                DetectionUncertainty.of(detection));
    }
}
