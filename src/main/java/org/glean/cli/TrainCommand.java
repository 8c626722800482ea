package org.glean.cli;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.Augmentation;
import org.glean.detector.ClassificationLossType;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.DetectorConfig;
import org.glean.detector.LocalizationDensity;
import org.glean.detector.ModelManifest;
import org.glean.detector.Preprocessing;
import org.glean.detector.TrainingProgress;
import org.glean.detector.TrainingSettings;
import org.glean.training.MeanAveragePrecision;
import org.glean.training.PreprocessedDataset;
import org.glean.training.TrainingRun;
import org.glean.uncertainty.UncertaintyStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code glean train}: trains an MDN detector on a folder of DICOM files with COCO labels and
 * writes a model directory that the server and {@code glean eval} load. The data set is decoded
 * and preprocessed once, before the first epoch.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Trains the MDN detector on DICOM files + COCO boxes and writes OUT/model (manifest.json + parameters.bin), "
                    + "plus OUT/epoch-NNN after every epoch (the latest kept). The manifest records the network, classes, "
                    + "preprocessing, training settings, a summary of the data, the code's git commit and the uncertainty "
                    + "normalisation statistics over the objects found on the validation set (else the training set).",
            "Progress (epoch, step, loss, images/s) goes to stderr."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LabelledFolder data;

    @Option(names = "--val-data", paramLabel = "DIR", description = "Validation folder: loss and mAP@0.5 after every epoch.")
    Path valData;

    @Option(names = "--val-coco", paramLabel = "FILE", description = "COCO labels of --val-data (default VALDIR/coco.json).")
    Path valCoco;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder; OUT/model must not exist yet.")
    Path out;

    @Option(names = "--from", paramLabel = "MODEL",
            description = "Start from this model directory instead of a fresh network (fine-tuning, or more epochs): its "
                    + "network, classes and preprocessing apply and the network options below are ignored but --feature-pyramid.")
    Path from;

    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the training set (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-minutes", defaultValue = "0",
            description = "Stop after this many minutes of training, finishing with the model so far; 0 = no limit (default ${DEFAULT-VALUE}).")
    double maxMinutes;

    @Option(names = "--patience", defaultValue = "0", paramLabel = "EPOCHS",
            description = "With --val-data: stop once this many epochs in a row validated no better than the best; "
                    + "0 runs every epoch (default ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--batch-size", defaultValue = "16", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Peak Adam learning rate, cosine-decayed to 2 %% of it over the epochs or --max-minutes, whichever ends first (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-steps", defaultValue = "100", description = "Linear learning-rate warm-up (default ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the fresh parameters, the loss's sampling, the shuffling and the mirroring (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--classification-loss", defaultValue = "TYPE_1",
            description = "method.md §2: TYPE_1, the mixture-weighted cross-entropy of the sampled logits (the patent), or "
                    + "TYPE_2, the negative log of the mixture's probability of the target (the reference code's option "
                    + "for classification weights that collapse onto one component) (default ${DEFAULT-VALUE}).")
    ClassificationLossType classificationLoss;

    @Option(names = "--localization-density", defaultValue = "VARIANCE",
            description = "method.md §2: VARIANCE, the activated output as the Gaussian's variance (the patent), or "
                    + "REFERENCE, as its standard deviation with 0.3 added to the normaliser and the loss halved (the "
                    + "reference code) (default ${DEFAULT-VALUE}).")
    LocalizationDensity localizationDensity;

    @Option(names = "--augmentation", defaultValue = "MIRROR",
            description = "How training images are varied: MIRROR (left–right only), MIRROR_ZOOM (and zoom 0.5–2×) or "
                    + "DOMAIN_RANDOMISATION (mirror, zoom 0.5–2×, blur, white, correlated or signal-dependent noise, "
                    + "gamma and contrast); recorded with its ranges in the manifest (docs/model-card.md compares "
                    + "them) (default ${DEFAULT-VALUE}).")
    AugmentationPreset augmentation;

    /** The augmentations {@code --augmentation} names. */
    enum AugmentationPreset {
        DOMAIN_RANDOMISATION(Augmentation.DOMAIN_RANDOMISATION), MIRROR(Augmentation.MIRROR),
        MIRROR_ZOOM(Augmentation.MIRROR_ZOOM);

        final Augmentation value;

        AugmentationPreset(Augmentation value) {
            this.value = value;
        }
    }

    @Option(names = {"-K", "--components"}, defaultValue = "4", description = "Mixture components K (default ${DEFAULT-VALUE}).")
    int components;

    @Option(names = "--input-size", defaultValue = "256", description = "Side of the square network input (default ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--backbone-channels", split = ",", defaultValue = "16,32,64,96", paramLabel = "W,...",
            description = "Width of each backbone stage (default ${DEFAULT-VALUE}).")
    List<Integer> backboneChannels;

    @Option(names = "--backbone-maps", defaultValue = "2", description = "Last backbone stages that feed the head (default ${DEFAULT-VALUE}).")
    int backboneMaps;

    @Option(names = "--extra-channels", split = ",", defaultValue = "96,96", paramLabel = "W,...",
            description = "Width of each extra feature map (default ${DEFAULT-VALUE}).")
    List<Integer> extraChannels;

    @Option(names = "--feature-pyramid",
            description = "Each feature map also hears the next coarser one (a top-down path). With --from a model "
                    + "without one, the path is added with zero weights, so training continues from what the model computes.")
    boolean featurePyramid;

    @Mixin
    ScoringThresholdOptions thresholds;

    @Mixin
    EngineThreadsOption engine;

    @Override
    public Integer call() throws IOException {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || maxMinutes < 0 || engine.threads < 0 || patience < 0) {
            throw new ParameterException(spec.commandLine(), "--epochs and --batch-size must be at least 1, --lr "
                    + "positive, --max-minutes, --threads and --patience not negative");
        }
        thresholds.thresholds();
        Path modelDir = out.resolve("model");
        if (Files.exists(modelDir)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " already holds a model; choose a new folder");
        }
        engine.apply();
        ModelManifest initial;
        try {
            initial = from == null ? null : DetectorCheckpoint.readManifest(from);
        } catch (IOException e) {
            System.err.println("train: --from " + from + " is not a readable model: " + e.getMessage());
            return 2;
        }
        Preprocessing preprocessing = initial == null ? Preprocessing.defaults(inputSize) : initial.preprocessing();
        PreprocessedDataset train;
        PreprocessedDataset val = null;
        try {
            train = load("train", data.data, data.coco, preprocessing, initial == null ? null : initial.network().classes());
            if (valData != null) {
                val = load("val", valData, valCoco, preprocessing, train.classNames());
            }
        } catch (InvalidDatasetException e) {
            System.err.println("train: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("train: cannot read the data set: " + e.getMessage());
            return 2;
        }
        DetectorConfig config;
        try {
            config = initial != null ? initial.network()
                    : DetectorConfig.of(inputSize, backboneChannels, backboneMaps, extraChannels, train.classNames(), components);
            config = config.withFeaturePyramid(config.featurePyramid() || featurePyramid);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "network: " + e.getMessage(), e);
        }
        TrainingSettings settings = TrainingSettings.defaults().withLearningRate(learningRate).withWarmupSteps(warmupSteps)
                .withLoss(localizationDensity, classificationLoss).withAugmentation(augmentation.value);
        ModelManifest manifest = ModelManifest.describe(config, preprocessing).withTraining(train.summary(), settings);
        System.err.printf("train: %d images %s; network %s%s, K=%d, %d anchors%s%n", train.size(),
                train.summary().objectsPerClass(), config.backboneChannels() + "+" + config.extraChannels(),
                config.featurePyramid() ? " with a feature pyramid" : "",
                config.components(), config.generateAnchors().count(), from == null ? "" : "; starting from " + from);

        Engine.getInstance().setRandomSeed((int) seed);
        TrainingRun run = new TrainingRun(settings, epochs, batchSize, new Random(seed)).limitedTo(maxMinutes);
        if (val != null) {
            run.validatedOn(val, out.resolve("best"), manifest).patience(patience);
        }
        try (Detector detector = from == null ? Detector.create(config, preprocessing)
                : featurePyramid ? DetectorCheckpoint.loadAddingFeaturePyramid(from).detector()
                : DetectorCheckpoint.load(from).detector()) {
            TrainingRun.Outcome outcome = run.train(detector, train, new Progress(detector, manifest));
            if (outcome.end() == TrainingRun.End.TIME_LIMIT) {
                System.err.println("train: --max-minutes reached after epoch " + outcome.lastEpoch());
            } else if (outcome.end() == TrainingRun.End.NO_IMPROVEMENT) {
                System.err.println("train: no better validation for --patience " + patience + " epochs; stopped after epoch "
                        + outcome.lastEpoch());
            }
            System.err.printf("train: %d steps in %.1f min%n", outcome.steps(), outcome.minutes());
            if (outcome.bestEpoch() > 0 && outcome.bestEpoch() != outcome.lastEpoch()) {
                System.err.printf("train: the model is epoch %d's, the best on the validation set (mAP@0.5 %.3f)%n",
                        outcome.bestEpoch(), outcome.bestMap());
            }
            UncertaintyStatistics statistics = run.writeModel(outcome, detector, val != null ? val : train, manifest,
                    thresholds.lowestScore(), modelDir);
            System.err.printf("train: uncertainty statistics over %s objects%n",
                    statistics == null ? "no" : Long.toString(statistics.objectCount()));
        }
        System.out.println("model written to " + modelDir);
        return 0;
    }

    /** Progress lines on stderr, and OUT/epoch-NNN after every epoch (the latest kept). */
    private final class Progress implements TrainingRun.Listener {
        private final Detector detector;
        private final ModelManifest manifest;
        private Path previous;

        Progress(Detector detector, ModelManifest manifest) {
            this.detector = detector;
            this.manifest = manifest;
        }

        @Override
        public void step(int epoch, int step, int steps, TrainingProgress p, double imagesPerSecond) {
            System.err.printf("epoch %d/%d step %d/%d loss %.3f (loc %.3f cls %.3f) lr %.2e %.1f images/s%n",
                    epoch, epochs, step, steps, p.loss(), p.localizationLoss(), p.classificationLoss(),
                    p.learningRate(), imagesPerSecond);
        }

        @Override
        public void epochDone(TrainingRun.EpochSummary epoch, MeanAveragePrecision.Result validation) throws IOException {
            StringBuilder line = new StringBuilder(String.format("epoch %d/%d done: mean loss %.3f, %.0f s",
                    epoch.epoch(), epoch.epochs(), epoch.meanLoss(), epoch.seconds()));
            if (validation != null) {
                line.append(String.format(", val mAP@0.5 %.3f", validation.meanAveragePrecision()));
                validation.perClass().values().forEach(c -> line.append(String.format(" %s=%.3f", c.label(), c.averagePrecision())));
            }
            System.err.println("train: " + line);
            Path epochDir = out.resolve(String.format("epoch-%03d", epoch.epoch()));
            DetectorCheckpoint.save(epochDir, detector, manifest);
            if (previous != null) {
                TrainingRun.deleteModel(previous);
            }
            previous = epochDir;
        }
    }

    private PreprocessedDataset load(String split, Path folder, Path labels, Preprocessing preprocessing,
                                     List<String> classes) throws IOException, InvalidDatasetException {
        long start = System.nanoTime();
        PreprocessedDataset dataset = LabelledFolder.load(folder, labels, preprocessing, classes, loaded -> {
            if (loaded % 200 == 0) {
                System.err.printf("train: %s: %d images preprocessed%n", split, loaded);
            }
        });
        System.err.printf("train: %s: %d images loaded in %.1f s%n", split, dataset.size(), (System.nanoTime() - start) / 1e9);
        return dataset;
    }
}
