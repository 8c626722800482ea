package org.glean.detector;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times a detector on a batch of random inputs, after warm-up rounds: either the network's forward
 * pass alone ({@link Stage#FORWARD}; libtorch runs CPU operations synchronously, so the outputs
 * are complete when it returns), or {@link Detector#detect} end to end ({@link Stage#DETECT}:
 * forward, scores, decoding, NMS and the detected anchors' mixtures). With {@code passes > 1} a
 * forward measurement runs that many MC-dropout passes over the batch.
 */
public final class ForwardBenchmark {

    private ForwardBenchmark() {
    }

    /**
     * @param batchSize       images per forward call
     * @param passes          forward passes per measurement (1, or T for MC-dropout)
     * @param medianMillis    median wall time of one measurement
     * @param meanMillis      mean wall time of one measurement
     * @param imagesPerSecond batchSize / median time
     */
    public record Result(Stage stage, int batchSize, int passes, int measurements, double medianMillis,
                         double meanMillis, double imagesPerSecond) {
    }

    public enum Stage { FORWARD, DETECT }

    public static Result measure(Detector detector, Stage stage, int batchSize, int passes, int warmup,
                                 int measurements) {
        if (batchSize < 1 || passes < 1 || warmup < 0 || measurements < 1) {
            throw new IllegalArgumentException("need a positive batch size, pass count and measurement count");
        }
        if (stage == Stage.DETECT && passes > 1) {
            throw new IllegalArgumentException("end-to-end detection is one pass; time MC-dropout passes as FORWARD");
        }
        List<PreprocessedImage> images = randomImages(detector.config().inputSize(), batchSize);
        double[] millis = new double[measurements];
        for (int i = -warmup; i < measurements; i++) {
            long start = System.nanoTime();
            if (stage == Stage.DETECT) {
                detector.detect(images, DecoderSettings.DEFAULT);
            }
            for (int p = 0; stage == Stage.FORWARD && p < passes; p++) {
                try (NDManager manager = detector.model().getNDManager().newSubManager()) {
                    detector.forward(manager, images, passes > 1);
                }
            }
            if (i >= 0) {
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        double mean = Arrays.stream(millis).average().orElseThrow();
        return new Result(stage, batchSize, passes, measurements, median, mean, batchSize * 1000.0 / median);
    }

    private static List<PreprocessedImage> randomImages(int size, int count) {
        Random random = new Random(1);
        List<PreprocessedImage> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] pixels = new float[size * size];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = random.nextFloat();
            }
            images.add(new PreprocessedImage(pixels, size, LetterboxTransform.fit(size, size, size)));
        }
        return images;
    }
}
