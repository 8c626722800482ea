package org.glean.training;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.glean.detector.Augmentation;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.DetectorTrainer;
import org.glean.detector.ModelManifest;
import org.glean.detector.TrainingBatch;
import org.glean.detector.TrainingProgress;
import org.glean.detector.TrainingSettings;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * The epochs of one training run, as {@code glean train}, a fine-tuning job and the
 * active-learning simulation all run them: shuffled batches varied as the settings' augmentation
 * says; a cosine learning-rate schedule from the settings' rate; after every epoch, when there is a validation set, its
 * mAP@0.5, the best epoch so far kept on disk; an optional wall-time limit and stop signal.
 * A fine-tune ({@link #fineTune}) runs by a {@link FineTuneSchedule} instead: a number of updates
 * in validation rounds (its "epochs"), the backbone frozen for the first ones, each batch mixed
 * with replayed earlier training data ({@link #replaying}).
 * Not thread-safe: one run at a time per instance.
 */
public final class TrainingRun {

    /** The cosine schedule ends at this share of the peak rate rather than at 0. */
    public static final double MIN_RATE = 0.02;

    /** What the caller hears while the run goes on; every method defaults to nothing. */
    public interface Listener {
        /** Hears nothing. */
        Listener QUIET = new Listener() {
        };

        /** After every step; {@code imagesPerSecond} over the epoch so far. Epochs and steps count from 1. */
        default void step(int epoch, int step, int steps, TrainingProgress progress, double imagesPerSecond) {
        }

        /** After every epoch; {@code validation} is null without a validation set. */
        default void epochDone(EpochSummary epoch, MeanAveragePrecision.Result validation) throws IOException {
        }
    }

    /** One finished epoch: its number from 1, mean loss per image (NaN when no step ran) and seconds. */
    public record EpochSummary(int epoch, int epochs, double meanLoss, double seconds) {
    }

    /** Why a run ended before its last epoch, if it did. */
    public enum End {
        COMPLETED, TIME_LIMIT, STOPPED,
        /** Validation did not improve for the run's patience in epochs. */
        NO_IMPROVEMENT
    }

    /**
     * How a run ended.
     *
     * @param lastEpoch the last epoch that finished (from 1; 0 if none did)
     * @param bestEpoch the epoch that validated best (0 without validation)
     * @param bestMap   its validation mAP@0.5 (−1 without validation)
     */
    public record Outcome(End end, long steps, int lastEpoch, int bestEpoch, double bestMap, double minutes) {
    }

    private final TrainingSettings settings;
    private final int epochs;
    private final int batchSize;
    private final Random random;
    private long maxNanos;
    private int patience;
    private BooleanSupplier stop = () -> false;
    private PreprocessedDataset validation;
    private Path bestDirectory;
    private ModelManifest manifest;
    private FineTuneSchedule schedule;
    private List<PreprocessedDataset.Item> replay = List.of();
    private double replayShare;

    /**
     * @param settings  the optimiser's settings; their learning rate is the schedule's peak
     * @param random    the shuffling and mirroring
     */
    public TrainingRun(TrainingSettings settings, int epochs, int batchSize, Random random) {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("a training run needs at least one epoch and one image per step");
        }
        this.settings = settings;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.random = random;
    }

    /** A fine-tune run by {@code schedule}; its validation rounds count as epochs. */
    public static TrainingRun fineTune(TrainingSettings settings, FineTuneSchedule schedule, int batchSize, Random random) {
        TrainingRun run = new TrainingRun(settings, schedule.rounds(), batchSize, random);
        run.schedule = schedule;
        return run;
    }

    /**
     * Mixes {@code share} of every batch from {@code earlier} (the data the model was trained on
     * before), so that a fine-tune does not forget it; only for {@link #fineTune} runs.
     */
    public TrainingRun replaying(PreprocessedDataset earlier, double share) {
        if (schedule == null) {
            throw new IllegalStateException("only a fine-tune replays earlier data");
        }
        replay = earlier == null ? List.of() : earlier.items();
        replayShare = share;
        return this;
    }

    /** Stops the run after {@code minutes} of training (0: no limit); the schedule then ends with whichever runs out first. */
    public TrainingRun limitedTo(double minutes) {
        maxNanos = (long) (minutes * 60e9);
        return this;
    }

    /**
     * Ends the run once {@code epochs} epochs in a row have not validated better than the best
     * (0: never); only with {@link #validatedOn}. Small annotation sets overfit within a few epochs.
     */
    public TrainingRun patience(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("patience must be 0 (none) or a number of epochs");
        }
        patience = epochs;
        return this;
    }

    /** Ends the run, before the next step, once {@code signal} says so. */
    public TrainingRun stoppedWhen(BooleanSupplier signal) {
        stop = signal;
        return this;
    }

    /**
     * Evaluates {@code set} after every epoch and keeps the best epoch in {@code directory}, saved
     * with {@code manifest}, for {@link #writeModel}.
     */
    public TrainingRun validatedOn(PreprocessedDataset set, Path directory, ModelManifest manifest) {
        this.validation = set;
        this.bestDirectory = directory;
        this.manifest = manifest;
        return this;
    }

    /**
     * Trains {@code detector} in place on {@code training}.
     *
     * @throws IllegalStateException when training diverges
     */
    public Outcome train(Detector detector, PreprocessedDataset training, Listener listener) throws IOException {
        long begin = System.nanoTime();
        long deadline = maxNanos > 0 ? begin + maxNanos : Long.MAX_VALUE;
        End end = End.COMPLETED;
        int lastEpoch = 0;
        int bestEpoch = 0;
        double bestMap = -1;
        ReplayBatches mixed = schedule == null ? null
                : new ReplayBatches(training.items(), replay, replayShare, batchSize, settings.augmentation(), random);
        try (DetectorTrainer trainer = new DetectorTrainer(detector, settings)) {
            for (int epoch = 0; epoch < epochs && end == End.COMPLETED; epoch++) {
                if (System.nanoTime() >= deadline) {
                    end = End.TIME_LIMIT;
                    break;
                }
                long epochStart = System.nanoTime();
                double lossSum = 0;
                int images = 0;
                List<TrainingBatch> batches = mixed == null
                        ? batches(training.items(), batchSize, settings.augmentation(), random) : null;
                int steps = mixed == null ? batches.size() : schedule.stepsIn(epoch);
                for (int step = 0; step < steps; step++) {
                    if (stop.getAsBoolean()) {
                        end = End.STOPPED;
                        break;
                    }
                    if (System.nanoTime() >= deadline) {
                        end = End.TIME_LIMIT;
                        break;
                    }
                    double progress = schedule == null ? (epoch + (double) step / steps) / epochs
                            : (double) trainer.steps() / schedule.steps();
                    if (maxNanos > 0) {
                        progress = Math.max(progress, (double) (System.nanoTime() - begin) / maxNanos);
                    }
                    trainer.setLearningRate(cosineRate(settings.learningRate(), progress));
                    detector.network().freezeBackbone(schedule != null && trainer.steps() < schedule.frozenSteps());
                    TrainingProgress p = trainer.step(mixed == null ? batches.get(step) : mixed.next());
                    images += p.images();
                    lossSum += p.loss() * p.images();
                    listener.step(epoch + 1, step + 1, steps, p, images / ((System.nanoTime() - epochStart) / 1e9));
                }
                if (end == End.STOPPED) {
                    break; // an interrupted epoch is not one to keep
                }
                MeanAveragePrecision.Result result = validation == null ? null
                        : DetectorEvaluation.meanAveragePrecision(detector, validation);
                if (result != null && result.meanAveragePrecision() > bestMap) {
                    bestMap = result.meanAveragePrecision();
                    bestEpoch = epoch + 1;
                    deleteModel(bestDirectory);
                    DetectorCheckpoint.save(bestDirectory, detector, manifest);
                }
                lastEpoch = epoch + 1;
                listener.epochDone(new EpochSummary(epoch + 1, epochs, images == 0 ? Double.NaN : lossSum / images,
                        (System.nanoTime() - epochStart) / 1e9), result);
                if (result != null && patience > 0 && lastEpoch - bestEpoch >= patience && lastEpoch < epochs
                        && end == End.COMPLETED) {
                    end = End.NO_IMPROVEMENT;
                }
            }
            return new Outcome(end, trainer.steps(), lastEpoch, bestEpoch, bestMap, (System.nanoTime() - begin) / 60e9);
        } finally {
            detector.network().freezeBackbone(false);
        }
    }

    /**
     * Writes the run's model to {@code modelDirectory}: the epoch that validated best (a late epoch
     * can be worse than an earlier one — a loss spike, or overfitting), else {@code trained} as it
     * is, with the uncertainty statistics of its objects on {@code pool}; then drops the kept best epoch.
     *
     * @return the statistics, or null when no object was found on {@code pool}
     */
    public UncertaintyStatistics writeModel(Outcome outcome, Detector trained, PreprocessedDataset pool,
                                            ModelManifest manifest, double objectThreshold, Path modelDirectory)
            throws IOException {
        UncertaintyStatistics statistics;
        if (outcome.bestEpoch() > 0 && outcome.bestEpoch() != outcome.lastEpoch()) {
            try (DetectorCheckpoint chosen = DetectorCheckpoint.load(bestDirectory)) {
                statistics = writeModel(chosen.detector(), pool, manifest, objectThreshold, modelDirectory);
            }
        } else {
            statistics = writeModel(trained, pool, manifest, objectThreshold, modelDirectory);
        }
        if (bestDirectory != null) {
            deleteModel(bestDirectory);
        }
        return statistics;
    }

    private static UncertaintyStatistics writeModel(Detector detector, PreprocessedDataset pool, ModelManifest manifest,
                                                    double objectThreshold, Path modelDirectory) throws IOException {
        UncertaintyStatistics statistics = DetectorEvaluation.uncertaintyStatistics(detector, pool, objectThreshold);
        DetectorCheckpoint.save(modelDirectory, detector, statistics == null ? manifest
                : manifest.withNormalisationStatistics(JsonParser.parseString(statistics.toJson()).getAsJsonObject()));
        return statistics;
    }

    /**
     * One epoch's batches: {@code items} shuffled, each image varied by {@code augmentation};
     * batches without any object are left out.
     */
    static List<TrainingBatch> batches(List<PreprocessedDataset.Item> items, int batchSize, Augmentation augmentation,
                                       Random random) {
        List<PreprocessedDataset.Item> order = new ArrayList<>(items);
        Collections.shuffle(order, random);
        List<TrainingBatch> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            List<Augmentation.Sample> batch = order.subList(from, Math.min(order.size(), from + batchSize)).stream()
                    .map(item -> augmentation.apply(item.input(), item.truths(), random)).toList();
            if (batch.stream().allMatch(sample -> sample.truths().isEmpty())) {
                continue; // no positive anchor: the loss is 0 by definition (method.md §2) and nothing would be learnt
            }
            batches.add(new TrainingBatch(batch.stream().map(Augmentation.Sample::input).toList(),
                    batch.stream().map(Augmentation.Sample::truths).toList()));
        }
        return batches;
    }

    /** The learning rate at {@code progress} ∈ [0, 1] of a run: a cosine from {@code peak} down to {@link #MIN_RATE} of it. */
    static double cosineRate(double peak, double progress) {
        return peak * (MIN_RATE + (1 - MIN_RATE) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
    }

    /** Deletes a model directory written by {@link DetectorCheckpoint#save}, if it is there. */
    public static void deleteModel(Path directory) throws IOException {
        Files.deleteIfExists(directory.resolve(DetectorCheckpoint.PARAMETERS));
        Files.deleteIfExists(directory.resolve(DetectorCheckpoint.MANIFEST));
        Files.deleteIfExists(directory);
    }
}
