package org.glean.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.DetectorConfig;
import org.glean.detector.ModelManifest;
import org.glean.detector.Preprocessing;
import org.glean.training.PreprocessedDataset;
import org.glean.training.simulation.ActiveLearningSimulation;
import org.glean.training.simulation.LearningCurvePlot;
import org.glean.training.simulation.SelectionStrategy;
import org.glean.training.simulation.SimulationCsv;
import org.glean.training.simulation.SimulationSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code glean simulate}: the active-learning loop (method.md §6) on a labelled pool with an
 * oracle annotator, for several selection strategies and seeds, written as a CSV, a summary
 * table and a plot of mAP@0.5 against annotated images.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Simulates active learning on labelled folders (e.g. from glean synth) whose labels the oracle annotator "
                    + "reveals only for selected images: per seed an initial labelled set and model, then per strategy "
                    + "--cycles rounds of score -> select --budget -> annotate -> fine-tune -> mAP@0.5 on the test split.",
            "Writes OUT/results.csv (strategy, seed, cycle, annotated images, mAP@0.5, scoring seconds), "
                    + "OUT/summary.md and OUT/learning-curves.png; progress goes to stderr."})
public final class SimulateCommand implements Callable<Integer> {

    private static final String SETTINGS_FILE = "settings.txt";

    @Spec
    CommandSpec spec;

    @Option(names = "--pool", split = ",", paramLabel = "DIR",
            description = "Labelled folders (DICOM + coco.json) that together form the unlabelled pool (required unless --results).")
    List<Path> poolFolders;

    @Option(names = "--test", split = ",", paramLabel = "DIR",
            description = "Labelled folders that together form the fixed test split (required unless --results).")
    List<Path> testFolders;

    @Option(names = "--base", split = ",", paramLabel = "DIR",
            description = "Labelled folders, not part of the pool, on which a base model is trained once; every seed's "
                    + "initial model is then the base model fine-tuned on its initial set (default: fresh parameters).")
    List<Path> baseFolders;

    @Option(names = "--base-model", paramLabel = "DIR",
            description = "A saved model (manifest.json + parameters.bin, e.g. src/main/resources/model) every seed starts "
                    + "from instead of --base: a site-adaptation experiment when the pool comes from another family. "
                    + "Its network and preprocessing replace --input-size … -K; --dropout still applies.")
    Path baseModel;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder; must not exist, unless --resume.")
    Path out;

    @Option(names = "--resume",
            description = "Go on with the run stopped earlier in --out, given the same options: finished cycles are kept, "
                    + "the rest is run as it would have been.")
    boolean resume;

    @Option(names = "--results", paramLabel = "CSV",
            description = "Simulate nothing: write the summary and plot of an earlier run's results.csv (finished or stopped) to OUT.")
    Path earlierResults;

    @Option(names = "--strategies", split = ",", defaultValue = "random,entropy,mdn-max,mdn-mean,mc-dropout",
            description = "Strategies to compare (default ${DEFAULT-VALUE}).")
    List<String> strategyNames;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Seeds (default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--initial", defaultValue = "40", description = "Images labelled before the first cycle (default ${DEFAULT-VALUE}).")
    int initialImages;

    @Option(names = "--budget", defaultValue = "20", description = "Images annotated per cycle (default ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--cycles", defaultValue = "4", description = "Rounds (default ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--base-epochs", defaultValue = "15", description = "Epochs of the base model (default ${DEFAULT-VALUE}).")
    int baseEpochs;

    @Option(names = "--initial-epochs", defaultValue = "30", description = "Epochs of the initial model on the initial set (default ${DEFAULT-VALUE}).")
    int initialEpochs;

    @Option(names = "--epochs", defaultValue = "4",
            description = "Epochs of each cycle's fine-tune of the previous model over all labelled images (default ${DEFAULT-VALUE}).")
    int cycleEpochs;

    @Option(names = "--min-steps", defaultValue = "0",
            description = "Fine-tune the initial model and every cycle as a server's job does (glean.training.*): "
                    + "--epochs passes (--initial-epochs for the initial model) within --min-steps to --max-steps updates, "
                    + "the backbone frozen for --frozen-share of them, --replay-share of every batch from --replay; "
                    + "0 (default): plain passes.")
    int minSteps;

    @Option(names = "--max-steps", defaultValue = "1500", description = "See --min-steps (default ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--frozen-share", defaultValue = "0.2", description = "See --min-steps (default ${DEFAULT-VALUE}).")
    double frozenShare;

    @Option(names = "--replay", split = ",", paramLabel = "DIR",
            description = "Labelled folders of the base model's own training data, replayed with --min-steps.")
    List<Path> replayFolders;

    @Option(names = "--replay-share", defaultValue = "0.25", description = "See --min-steps (default ${DEFAULT-VALUE}).")
    double replayShare;

    @Option(names = "--batch-size", defaultValue = "16", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Peak Adam learning rate of every run, cosine-decayed (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-steps", defaultValue = "10", description = "Linear warm-up of every run (default ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--input-size", defaultValue = "64", description = "Network input side (default ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--backbone-channels", split = ",", defaultValue = "16,32,64", paramLabel = "W,...",
            description = "Width of each backbone stage (default ${DEFAULT-VALUE}).")
    List<Integer> backboneChannels;

    @Option(names = "--backbone-maps", defaultValue = "2", description = "Last backbone stages that feed the head (default ${DEFAULT-VALUE}).")
    int backboneMaps;

    @Option(names = "--extra-channels", split = ",", defaultValue = "64", paramLabel = "W,...",
            description = "Width of each extra feature map (default ${DEFAULT-VALUE}).")
    List<Integer> extraChannels;

    @Option(names = {"-K", "--components"}, defaultValue = "4", description = "Mixture components K (default ${DEFAULT-VALUE}).")
    int components;

    @Option(names = "--dropout", defaultValue = "0.1",
            description = "Dropout before the head, in training for every strategy and at scoring for mc-dropout (default ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--mc-passes", defaultValue = "20", description = "T, passes of mc-dropout (default ${DEFAULT-VALUE}).")
    int monteCarloPasses;

    @Option(names = "--object-threshold", defaultValue = "0.1",
            description = "Score from which a detection counts as an object for the scorers (default ${DEFAULT-VALUE}).")
    double objectThreshold;

    @Mixin
    EngineThreadsOption engine;

    @Override
    public Integer call() throws IOException {
        if (!resume && Files.exists(out)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " exists; choose a new folder, or --resume");
        }
        if (resume) {
            requireSameSettings();
        }
        if (earlierResults != null) {
            List<ActiveLearningSimulation.CycleResult> results;
            try {
                results = SimulationCsv.read(earlierResults);
            } catch (IOException e) {
                System.err.println("simulate: cannot read --results: " + e.getMessage());
                return 2;
            }
            Files.createDirectories(out);
            writeSummary(results, String.format(Locale.ROOT, "mAP@0.5 vs annotated images (%d seeds)",
                    results.stream().map(ActiveLearningSimulation.CycleResult::seed).distinct().count()));
            return 0;
        }
        if (poolFolders == null || testFolders == null) {
            throw new ParameterException(spec.commandLine(), "--pool and --test are required (or --results)");
        }
        List<SelectionStrategy> strategies = new ArrayList<>();
        ActiveLearningSimulation.Settings settings;
        DetectorConfig network;
        ActiveLearningSimulation.Recipe recipe;
        try {
            for (String name : strategyNames) {
                strategies.add(SelectionStrategy.of(name.trim()));
            }
            settings = new ActiveLearningSimulation.Settings(initialImages, budget, cycles, baseEpochs, initialEpochs, cycleEpochs,
                    batchSize, learningRate, warmupSteps, objectThreshold, monteCarloPasses);
            network = baseModel == null ? DetectorConfig.of(inputSize, backboneChannels, backboneMaps, extraChannels,
                    DetectorConfig.DEFAULT_CLASSES, components).withDropout(dropout)
                    : baseManifest().network().withDropout(dropout);
            recipe = minSteps > 0 ? new ActiveLearningSimulation.Recipe(minSteps, maxSteps, frozenShare, replayShare) : null;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (seeds.isEmpty() || engine.threads < 0) {
            throw new ParameterException(spec.commandLine(), "give at least one seed, and --threads not negative");
        }
        if (baseModel != null && baseFolders != null || replayFolders != null && recipe == null) {
            throw new ParameterException(spec.commandLine(), "give --base or --base-model, not both; --replay needs --min-steps");
        }
        engine.apply();
        Preprocessing preprocessing = baseModel == null ? Preprocessing.defaults(inputSize)
                : baseManifest().preprocessing();
        PreprocessedDataset base;
        PreprocessedDataset replay;
        PreprocessedDataset pool;
        PreprocessedDataset test;
        try {
            base = baseFolders == null || baseFolders.isEmpty() ? null : load("base", baseFolders, preprocessing);
            pool = load("pool", poolFolders, preprocessing);
            test = load("test", testFolders, preprocessing);
            replay = replayFolders == null ? null : load("replay", replayFolders, preprocessing);
        } catch (InvalidDatasetException e) {
            System.err.println("simulate: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("simulate: cannot read the data: " + e.getMessage());
            return 2;
        }
        ActiveLearningSimulation simulation;
        try {
            simulation = new ActiveLearningSimulation(base, pool, test, network, preprocessing, settings,
                    out.resolve("progress"), line -> System.err.println("simulate: " + line))
                    .fineTunedBy(recipe, replay);
            if (baseModel != null) {
                simulation.startingFrom(baseModel);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (!resume) {
            Files.createDirectories(out);
            Files.write(out.resolve(SETTINGS_FILE), settings(), StandardCharsets.UTF_8);
        }
        List<ActiveLearningSimulation.CycleResult> results;
        long start = System.nanoTime();
        // a resumed run hears its finished results again first and writes the file anew
        Files.deleteIfExists(out.resolve("results.csv"));
        try (SimulationCsv csv = SimulationCsv.create(out.resolve("results.csv"))) {
            results = simulation.run(strategies, seeds, result -> {
                try {
                    csv.append(result);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        writeSummary(results, String.format(Locale.ROOT, "mAP@0.5 vs annotated images (%d seeds, pool %d, budget %d)",
                seeds.size(), pool.size(), budget));
        System.out.printf(Locale.ROOT, "%d results in %.1f min; written to %s%n", results.size(),
                (System.nanoTime() - start) / 60e9, out);
        return 0;
    }

    // The options a run was started with, kept in OUT so that --resume goes on with the same ones.
    private List<String> settings() {
        return spec.options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--resume"))
                .map(option -> option.longestName() + "=" + option.getValue()).toList();
    }

    private void requireSameSettings() throws IOException {
        Path file = out.resolve(SETTINGS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "--resume: " + out + " holds no simulation run (no "
                    + SETTINGS_FILE + ")");
        }
        List<String> started = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> differing = settings().stream().filter(setting -> !started.contains(setting)).toList();
        if (!differing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--resume: give the options the run in " + out
                    + " was started with (" + file + "); these differ: " + String.join(", ", differing));
        }
    }

    private ModelManifest baseManifest() {
        try {
            return DetectorCheckpoint.readManifest(baseModel);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--base-model: " + e.getMessage(), e);
        }
    }

    private void writeSummary(List<ActiveLearningSimulation.CycleResult> results, String title) throws IOException {
        SimulationSummary summary = SimulationSummary.of(results);
        String selected = summary.selectionTable();
        String table = summary.markdownTable() + "\nMean mAP@0.5 ± SD over seeds per cycle:\n\n" + summary.curvesTable()
                + (selected.isEmpty() ? "" : "\nWhat each strategy selected, over cycles and seeds:\n\n" + selected);
        Files.writeString(out.resolve("summary.md"), table, StandardCharsets.UTF_8);
        LearningCurvePlot.write(summary, title, out.resolve("learning-curves.png"));
        System.out.print(table);
    }

    private static PreprocessedDataset load(String split, List<Path> folders, Preprocessing preprocessing)
            throws IOException, InvalidDatasetException {
        List<PreprocessedDataset> parts = new ArrayList<>();
        for (Path folder : folders) {
            parts.add(LabelledFolder.load(folder, null, preprocessing, DetectorConfig.DEFAULT_CLASSES, loaded -> { }));
        }
        PreprocessedDataset all = PreprocessedDataset.combine(parts);
        System.err.printf("simulate: %s: %d images, objects %s%n", split, all.size(), all.summary().objectsPerClass());
        return all;
    }
}
