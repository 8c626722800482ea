package org.glean.training.simulation;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.DetectorConfig;
import org.glean.detector.ModelManifest;
import org.glean.detector.Preprocessing;
import org.glean.detector.TrainingSettings;
import org.glean.training.DetectorEvaluation;
import org.glean.training.FineTuneSchedule;
import org.glean.training.PreprocessedDataset;
import org.glean.training.TrainingRun;

/**
 * The learning loop of method.md §6 on a labelled pool whose labels stay hidden until an image is
 * selected — the oracle annotator hands over an image's ground truth exactly when the strategy
 * pays for it. Per seed: draw the initial labelled set, train the initial model on it; then per
 * strategy, from that same model and set, {@code cycles} times: score the unlabelled rest, select
 * the budget, annotate, fine-tune the previous cycle's model on everything labelled so far, and
 * measure mAP@0.5 on the fixed test set. With a base set, the initial models start from a base
 * model trained once on it (the model already deployed, trained on earlier data), rather than
 * from fresh parameters; its images are not part of the pool and count as no annotation. Strategies of one seed share the initial set and model,
 * the shuffling of every cycle's training and the training settings; only the selection differs.
 * A site-adaptation experiment starts from a saved model instead ({@link #startingFrom}), trained
 * on another family of images than the pool's, and fine-tunes by the server's recipe
 * ({@link #fineTunedBy}): updates scaled to the labelled set, the backbone frozen first, the
 * base model's own training data replayed in every batch.
 */
public final class ActiveLearningSimulation {

    /**
     * @param initialImages    images labelled before the first cycle
     * @param budget           images annotated per cycle (the last cycles take what is left of the pool)
     * @param cycles           score → select → annotate → train → evaluate rounds
     * @param baseEpochs       epochs of the base model on the base set (when there is one)
     * @param initialEpochs    epochs of the initial model on the initial set, from the base model or fresh parameters
     * @param cycleEpochs      epochs of each cycle's fine-tune, over all labelled images
     * @param batchSize        images per training step
     * @param learningRate     peak Adam rate of every training run, cosine-decayed over the run
     * @param warmupSteps      linear warm-up of every run
     * @param objectThreshold  score from which a detection (anchor) is an object, for the scorers
     * @param monteCarloPasses T of MC-dropout
     */
    public record Settings(int initialImages, int budget, int cycles, int baseEpochs, int initialEpochs, int cycleEpochs,
                           int batchSize,
                           double learningRate, int warmupSteps, double objectThreshold, int monteCarloPasses) {

        public Settings {
            if (initialImages < 1 || budget < 1 || cycles < 1 || baseEpochs < 1 || initialEpochs < 1 || cycleEpochs < 1 || batchSize < 1
                    || !(learningRate > 0) || warmupSteps < 0 || !(objectThreshold > 0 && objectThreshold < 1)
                    || monteCarloPasses < 1) {
                throw new IllegalArgumentException("the simulation needs at least one initial image, budget, cycle, epoch, "
                        + "image per batch and MC pass, a positive learning rate, a non-negative warm-up and an object "
                        + "threshold within (0, 1)");
            }
        }
    }

    /**
     * How the initial model and every cycle fine-tune, as a server's job does (glean.training.*):
     * {@code epochs} passes within {@code minSteps}–{@code maxSteps} updates, the first
     * {@code frozenShare} of them with the backbone frozen, {@code replayShare} of every batch from
     * the replay set. Without early stopping: the simulation holds out no labelled images.
     */
    public record Recipe(int minSteps, int maxSteps, double frozenShare, double replayShare) {

        public Recipe {
            FineTuneSchedule.of(1, 1, 1, minSteps, maxSteps, frozenShare); // refuses what it cannot run
            if (!(replayShare >= 0 && replayShare < 1)) {
                throw new IllegalArgumentException("the replay share must be within [0, 1), got " + replayShare);
            }
        }
    }

    /**
     * One point of a learning curve.
     *
     * @param cycle           0 for the initial model, then 1 … cycles
     * @param annotatedImages labelled images the model was trained on, the initial set included
     * @param scoringSeconds  wall time of scoring the unlabelled pool in this cycle (0 for cycle 0 and random)
     * @param selected        what the cycle's selection held; {@link SelectionMix#NONE} for cycle 0
     */
    public record CycleResult(SelectionStrategy strategy, long seed, int cycle, int annotatedImages,
                              double meanAveragePrecision, double scoringSeconds, SelectionMix selected) {

        /** A result whose selection is not known (cycle 0). */
        public CycleResult(SelectionStrategy strategy, long seed, int cycle, int annotatedImages,
                           double meanAveragePrecision, double scoringSeconds) {
            this(strategy, seed, cycle, annotatedImages, meanAveragePrecision, scoringSeconds, SelectionMix.NONE);
        }
    }

    private final PreprocessedDataset base;
    private final PreprocessedDataset pool;
    private final PreprocessedDataset test;
    private final DetectorConfig network;
    private final Preprocessing preprocessing;
    private final Settings settings;
    private final SimulationProgress progress;
    private final Consumer<String> log;
    private Path baseModel;
    private TrainingSettings training;
    private Recipe recipe;
    private PreprocessedDataset replay;

    /**
     * @param base    the base model's training set; null to start every seed's initial model from fresh parameters
     * @param network the network every strategy trains; MC-dropout needs its dropout above 0
     * @param workDir where the base model, each seed's initial model and each strategy's last cycle
     *                are kept, so that every strategy starts from the same parameters and a stopped
     *                run can be resumed (see {@link #run})
     */
    public ActiveLearningSimulation(PreprocessedDataset base, PreprocessedDataset pool, PreprocessedDataset test,
                                    DetectorConfig network, Preprocessing preprocessing, Settings settings, Path workDir,
                                    Consumer<String> log) {
        if (settings.initialImages() >= pool.size()) {
            throw new IllegalArgumentException("the pool has " + pool.size() + " images; the initial labelled set of "
                    + settings.initialImages() + " would leave nothing to select");
        }
        if (!pool.classNames().equals(network.classes()) || !test.classNames().equals(network.classes())
                || base != null && !base.classNames().equals(network.classes())) {
            throw new IllegalArgumentException("base set, pool, test set and network must have the same classes");
        }
        this.base = base;
        this.pool = pool;
        this.test = test;
        this.network = network;
        this.preprocessing = preprocessing;
        this.settings = settings;
        this.progress = new SimulationProgress(workDir);
        this.log = log;
        this.training = TrainingSettings.defaults().withLearningRate(settings.learningRate())
                .withWarmupSteps(settings.warmupSteps());
    }

    /**
     * Starts every seed from the saved model at {@code model} instead of a base set, with its loss
     * and augmentation; the network given to the constructor must be the model's (its dropout may differ).
     */
    public ActiveLearningSimulation startingFrom(Path model) throws IOException {
        ModelManifest manifest = DetectorCheckpoint.readManifest(model);
        if (!manifest.network().withDropout(network.dropout()).equals(network)
                || !manifest.preprocessing().equals(preprocessing)) {
            throw new IllegalArgumentException("the simulation's network and preprocessing must be those of " + model);
        }
        if (manifest.training() != null) {
            training = manifest.training().withLearningRate(settings.learningRate())
                    .withWarmupSteps(settings.warmupSteps());
        }
        baseModel = model;
        return this;
    }

    /** Fine-tunes the initial models and every cycle by {@code recipe}, replaying {@code earlier} (null: none). */
    public ActiveLearningSimulation fineTunedBy(Recipe recipe, PreprocessedDataset earlier) {
        if (earlier != null && !earlier.classNames().equals(network.classes())) {
            throw new IllegalArgumentException("the replay set must have the network's classes");
        }
        this.recipe = recipe;
        this.replay = earlier;
        return this;
    }

    /**
     * Runs every strategy for every seed; {@code listener} hears of each result as it is measured.
     * What the work folder holds of an earlier run with the same data and settings is taken up
     * where it stopped (its results are heard again first), so a stopped run is resumed by running
     * it again.
     */
    public List<CycleResult> run(List<SelectionStrategy> strategies, List<Long> seeds, Consumer<CycleResult> listener)
            throws IOException {
        if (strategies.contains(SelectionStrategy.MC_DROPOUT) && network.dropout() == 0) {
            throw new IllegalArgumentException("mc-dropout needs a network with dropout above 0");
        }
        List<CycleResult> results = new ArrayList<>();
        Consumer<CycleResult> record = result -> {
            results.add(result);
            listener.accept(result);
        };
        Path baseModel = this.baseModel != null ? this.baseModel : base == null ? null : trainBase(seeds.get(0));
        if (this.baseModel != null) {
            try (DetectorCheckpoint checkpoint = DetectorCheckpoint.load(baseModel)) {
                log.accept(String.format("base model %s, mAP@0.5 %.3f", baseModel, evaluate(checkpoint.detector())));
            }
        }
        for (long seed : seeds) {
            List<Integer> initial = Selection.random(pool.size(), settings.initialImages(), new Random(seed));
            double initialMap = initialModel(seed, baseModel, initial);
            for (SelectionStrategy strategy : strategies) {
                runStrategy(strategy, seed, initial, initialMap, record);
            }
        }
        return results;
    }

    /** Trains and saves the seed's initial model, unless an earlier run did; returns its mAP. */
    private double initialModel(long seed, Path baseModel, List<Integer> initial) throws IOException {
        Optional<Double> saved = progress.initialMap(seed);
        if (saved.isPresent()) {
            log.accept(String.format("seed %d: initial model on %d images, mAP@0.5 %.3f (saved earlier)", seed,
                    initial.size(), saved.get()));
            return saved.get();
        }
        Engine.getInstance().setRandomSeed((int) seed); // the fresh parameters and dropout masks
        try (Detector detector = baseModel == null ? Detector.create(network, preprocessing)
                : DetectorCheckpoint.loadWithDropout(baseModel, network.dropout()).detector()) {
            long start = System.nanoTime();
            fineTune(detector, pool.subset(initial), settings.initialEpochs(), new Random(seed));
            double map = evaluate(detector);
            log.accept(String.format("seed %d: initial model on %d images, mAP@0.5 %.3f (%.0f s)", seed,
                    initial.size(), map, (System.nanoTime() - start) / 1e9));
            progress.saveInitialModel(seed, detector, manifest(), map);
            return map;
        }
    }

    /** The base model, trained once for all seeds on the base set from fresh parameters, unless an earlier run did. */
    private Path trainBase(long seed) throws IOException {
        Path model = progress.baseModel();
        if (Files.isDirectory(model)) {
            log.accept("base model " + model + " (saved earlier)");
            return model;
        }
        Engine.getInstance().setRandomSeed((int) seed);
        try (Detector detector = Detector.create(network, preprocessing)) {
            long start = System.nanoTime();
            new TrainingRun(training, settings.baseEpochs(), settings.batchSize(), new Random(seed))
                    .train(detector, base, TrainingRun.Listener.QUIET);
            log.accept(String.format("base model on %d images, mAP@0.5 %.3f (%.0f s)", base.size(), evaluate(detector),
                    (System.nanoTime() - start) / 1e9));
            DetectorCheckpoint.save(model, detector, manifest());
        }
        return model;
    }

    /**
     * The strategy's cycles for one seed, from its last saved cycle or the seed's initial model.
     * Every cycle draws its randomness (tie-breaks, shuffling, dropout masks) from the seed,
     * strategy and cycle alone, so a resumed run draws what an uninterrupted one would.
     */
    private void runStrategy(SelectionStrategy strategy, long seed, List<Integer> initial, double initialMap,
                             Consumer<CycleResult> record) throws IOException {
        Optional<SimulationProgress.Cycle> saved = progress.lastCycle(strategy, seed);
        List<Integer> labelled = new ArrayList<>(saved.map(SimulationProgress.Cycle::labelled).orElse(initial));
        List<CycleResult> results = new ArrayList<>(saved.map(SimulationProgress.Cycle::results)
                .orElse(List.of(new CycleResult(strategy, seed, 0, labelled.size(), initialMap, 0))));
        results.forEach(record);
        int from = saved.map(SimulationProgress.Cycle::cycle).orElse(0) + 1;
        if (from > settings.cycles()) {
            return;
        }
        PoolScorer scorer = strategy.scorer(settings.objectThreshold(), settings.monteCarloPasses());
        Path start = saved.map(SimulationProgress.Cycle::model).orElse(progress.initialModel(seed));
        try (DetectorCheckpoint checkpoint = DetectorCheckpoint.loadWithDropout(start, network.dropout())) {
            Detector detector = checkpoint.detector();
            for (int cycle = from; cycle <= settings.cycles(); cycle++) {
                List<Integer> unlabelled = unlabelled(labelled);
                if (unlabelled.isEmpty()) {
                    log.accept(strategy + " seed " + seed + ": the pool is exhausted after cycle " + (cycle - 1));
                    return;
                }
                Engine.getInstance().setRandomSeed((int) (seed * 1000 + cycle));
                Random tieBreak = new Random((seed * 7919 + strategy.ordinal()) * 1009 + cycle);
                long scoringStart = System.nanoTime();
                List<Integer> chosen = scorer == null
                        ? Selection.random(unlabelled.size(), settings.budget(), tieBreak)
                        : Selection.top(scorer.score(detector, pool.subset(unlabelled)), settings.budget(), tieBreak);
                double scoringSeconds = scorer == null ? 0 : (System.nanoTime() - scoringStart) / 1e9;
                SelectionMix mix = SelectionMix.of(chosen.stream()
                        .map(position -> pool.items().get(unlabelled.get(position))).toList());
                chosen.forEach(position -> labelled.add(unlabelled.get(position))); // the oracle's boxes come with them
                fineTune(detector, pool.subset(labelled), settings.cycleEpochs(), new Random(seed * 1000 + cycle));
                CycleResult result = new CycleResult(strategy, seed, cycle, labelled.size(), evaluate(detector),
                        scoringSeconds, mix);
                log.accept(String.format("%s seed %d cycle %d: %d annotated, mAP@0.5 %.3f, scoring %.2f s; %s", strategy,
                        seed, cycle, result.annotatedImages(), result.meanAveragePrecision(), scoringSeconds, mix));
                results.add(result);
                progress.saveCycle(strategy, seed, detector, manifest(), labelled, results);
                record.accept(result);
            }
        }
    }

    private ModelManifest manifest() {
        return ModelManifest.describe(network, preprocessing);
    }

    /** Positions in the pool not labelled yet, in pool order. */
    private List<Integer> unlabelled(List<Integer> labelled) {
        Set<Integer> taken = new HashSet<>(labelled);
        return IntStream.range(0, pool.size()).filter(i -> !taken.contains(i)).boxed().toList();
    }

    /**
     * Fine-tunes {@code detector} in place on {@code data}: by the recipe when there is one, else
     * {@code epochs} passes, one cosine schedule over all of them.
     */
    private void fineTune(Detector detector, PreprocessedDataset data, int epochs, Random random) throws IOException {
        TrainingRun run = recipe == null ? new TrainingRun(training, epochs, settings.batchSize(), random)
                : TrainingRun.fineTune(training, FineTuneSchedule.of(data.size(), settings.batchSize(), epochs,
                        recipe.minSteps(), recipe.maxSteps(), recipe.frozenShare()), settings.batchSize(), random)
                        .replaying(replay, recipe.replayShare());
        run.train(detector, data, TrainingRun.Listener.QUIET);
    }

    private double evaluate(Detector detector) {
        return DetectorEvaluation.meanAveragePrecision(detector, test).meanAveragePrecision();
    }
}
