package org.glean.detector;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.glean.uncertainty.RankStatistics;

/**
 * Times a detector on a batch of inputs, after warm-up rounds: either the network's forward
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

    /** One thing to time: {@code passes} forward passes, or one end-to-end detection, of {@code detector}. */
    public record Trial(Detector detector, Stage stage, int passes) {

        public Trial {
            if (passes < 1) {
                throw new IllegalArgumentException("need a positive pass count");
            }
            if (stage == Stage.DETECT && passes > 1) {
                throw new IllegalArgumentException("end-to-end detection is one pass; time MC-dropout passes as FORWARD");
            }
        }
    }

    public static Result measure(Detector detector, Stage stage, List<PreprocessedImage> batch, int passes, int warmup,
                                 int measurements) {
        return interleaved(List.of(new Trial(detector, stage, passes)), batch, warmup, measurements).get(0);
    }

    /**
     * Times several trials on the same batch, round-robin: every round runs each trial once, so
     * that a drift of the machine (another process, the clock, the allocator's state) falls on all
     * of them alike instead of on whichever was timed first. The results are in trial order.
     */
    public static List<Result> interleaved(List<Trial> trials, List<PreprocessedImage> batch, int warmup, int measurements) {
        if (trials.isEmpty() || batch.isEmpty() || warmup < 0 || measurements < 1) {
            throw new IllegalArgumentException("need a trial, an image and a positive measurement count");
        }
        int batchSize = batch.size();
        double[][] millis = new double[trials.size()][measurements];
        for (int round = -warmup; round < measurements; round++) {
            for (int t = 0; t < trials.size(); t++) {
                long start = System.nanoTime();
                run(trials.get(t), batch);
                if (round >= 0) {
                    millis[t][round] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        List<Result> results = new ArrayList<>(trials.size());
        for (int t = 0; t < trials.size(); t++) {
            Trial trial = trials.get(t);
            double median = RankStatistics.median(millis[t]);
            results.add(new Result(trial.stage(), batchSize, trial.passes(), measurements, median,
                    Arrays.stream(millis[t]).average().orElseThrow(), batchSize * 1000.0 / median));
        }
        return results;
    }

    private static void run(Trial trial, List<PreprocessedImage> images) {
        Detector detector = trial.detector();
        if (trial.stage() == Stage.DETECT) {
            detector.detect(images, DecoderSettings.DEFAULT);
            return;
        }
        for (int p = 0; p < trial.passes(); p++) {
            try (NDManager manager = detector.model().getNDManager().newSubManager()) {
                detector.forward(manager, images, trial.passes() > 1);
            }
        }
    }
}
