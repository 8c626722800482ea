package org.glean.training.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.ModelManifest;
import org.glean.detector.DetectorConfig;
import org.glean.detector.Preprocessing;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.synth.Shift;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import org.glean.training.PreprocessedDataset;
import org.glean.training.simulation.ActiveLearningSimulation.CycleResult;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.ImageInformativeness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop and the scorers on a tiny synthetic DX pool and a tiny network with dropout. */
class ActiveLearningSimulationTest {

    private static final int SIZE = 64;
    private static final DetectorConfig NETWORK = DetectorConfig.of(SIZE, List.of(16, 16, 16), 2, List.of(16),
            DetectorConfig.DEFAULT_CLASSES, 2).withDropout(0.2);
    private static final Preprocessing PREPROCESSING = Preprocessing.defaults(SIZE);

    @TempDir
    static Path dir;
    static PreprocessedDataset pool;
    static PreprocessedDataset test;

    @BeforeAll
    static void synthesise() throws IOException, InvalidDatasetException {
        pool = load(8, 41, "pool");
        test = load(3, 42, "test");
    }

    private static PreprocessedDataset load(int studies, long seed, String name) throws IOException, InvalidDatasetException {
        SynthOptions options = new SynthOptions(seed, studies, 1, 1, SIZE, 0, SynthOptions.Range.parse("1:2"), 0.25,
                SynthOptions.Range.parse("5:30"), SynthOptions.Range.parse("0:0.5"), 0.25, List.of(Shift.CONTRAST));
        Path folder = new SynthDatasetWriter().write(options, dir.resolve(name), done -> { }).folder();
        return PreprocessedDataset.load(folder, folder.resolve(SynthDatasetWriter.COCO_FILE_NAME), new PixelMedDicomReader(),
                PREPROCESSING, DetectorConfig.DEFAULT_CLASSES, loaded -> { });
    }

    private static ActiveLearningSimulation simulation(int initial, int budget, int cycles, List<String> log) {
        return new ActiveLearningSimulation(null, pool, test, NETWORK, PREPROCESSING,
                new ActiveLearningSimulation.Settings(initial, budget, cycles, 1, 1, 1, 4, 1e-3, 1, 0.1, 3),
                dir.resolve("work-" + initial + "-" + budget + "-" + cycles), log::add);
    }

    @Test
    void budgetsAreSpentUntilThePoolIsExhaustedAndStrategiesShareTheInitialModel() throws IOException {
        List<String> log = new ArrayList<>();
        List<CycleResult> heard = new ArrayList<>();
        List<CycleResult> results = simulation(3, 3, 3, log)
                .run(List.of(SelectionStrategy.RANDOM, SelectionStrategy.MDN_MAX), List.of(5L), heard::add);

        assertThat(heard).isEqualTo(results);
        for (SelectionStrategy strategy : List.of(SelectionStrategy.RANDOM, SelectionStrategy.MDN_MAX)) {
            List<CycleResult> rows = results.stream().filter(r -> r.strategy() == strategy).toList();
            // 3 initial, +3, then the 2 left; the third cycle finds the pool empty
            assertThat(rows).extracting(CycleResult::cycle).containsExactly(0, 1, 2);
            assertThat(rows).extracting(CycleResult::annotatedImages).containsExactly(3, 6, 8);
            assertThat(rows).allMatch(r -> r.seed() == 5 && r.meanAveragePrecision() >= 0 && r.meanAveragePrecision() <= 1);
        }
        assertThat(log).anyMatch(line -> line.contains("pool is exhausted after cycle 2"));
        CycleResult randomStart = results.get(0);
        CycleResult mdnStart = results.stream().filter(r -> r.strategy() == SelectionStrategy.MDN_MAX).findFirst().orElseThrow();
        assertThat(mdnStart.meanAveragePrecision()).isEqualTo(randomStart.meanAveragePrecision());
        assertThat(results).filteredOn(r -> r.strategy() == SelectionStrategy.RANDOM).allMatch(r -> r.scoringSeconds() == 0);
        assertThat(results).filteredOn(r -> r.strategy() == SelectionStrategy.MDN_MAX && r.cycle() > 0)
                .allMatch(r -> r.scoringSeconds() > 0);
    }

    @Test
    void aSiteAdaptationRunStartsFromTheSavedModelWithoutDropoutAndFineTunesByTheRecipe() throws IOException {
        Path saved = dir.resolve("saved-base");
        try (Detector detector = Detector.create(NETWORK.withDropout(0), PREPROCESSING)) {
            DetectorCheckpoint.save(saved, detector, ModelManifest.describe(NETWORK.withDropout(0), PREPROCESSING));
        }
        List<String> log = new ArrayList<>();
        ActiveLearningSimulation simulation = simulation(2, 3, 2, log)
                .fineTunedBy(new ActiveLearningSimulation.Recipe(3, 10, 0.5, 0.25), test)
                .startingFrom(saved);

        List<CycleResult> results = simulation.run(List.of(SelectionStrategy.MC_DROPOUT), List.of(3L), r -> { });

        assertThat(results).extracting(CycleResult::annotatedImages).containsExactly(2, 5, 8);
        assertThat(log.get(0)).startsWith("base model " + saved + ", mAP@0.5 ");
        assertThatThrownBy(() -> simulation(2, 3, 2, log).startingFrom(dir.resolve("no-model")))
                .hasMessageContaining("is not a Glean model directory");
        assertThatThrownBy(() -> new ActiveLearningSimulation.Recipe(10, 3, 0.2, 0.25))
                .hasMessageContaining("min-steps");
    }

    @Test
    void aRunStoppedAfterAFinishedCycleResumesThereAndEndsAsAnUninterruptedRunDoes() throws IOException {
        List<SelectionStrategy> strategies = List.of(SelectionStrategy.MDN_MAX, SelectionStrategy.RANDOM);
        List<CycleResult> uninterrupted = simulationIn("whole").run(strategies, List.of(9L), r -> { });

        // stopped as a kill would stop it: after mdn-max's first cycle was saved
        class Stop extends RuntimeException {
        }
        List<CycleResult> beforeTheStop = new ArrayList<>();
        assertThatThrownBy(() -> simulationIn("stopped").run(strategies, List.of(9L), result -> {
            beforeTheStop.add(result);
            if (result.cycle() == 1) {
                throw new Stop();
            }
        })).isInstanceOf(Stop.class);
        assertThat(beforeTheStop).hasSize(2);

        List<String> log = new ArrayList<>();
        List<CycleResult> resumed = new ArrayList<>();
        List<CycleResult> returned = new ActiveLearningSimulation(null, pool, test, NETWORK, PREPROCESSING, SETTINGS,
                dir.resolve("stopped"), log::add).run(strategies, List.of(9L), resumed::add);

        assertThat(returned).isEqualTo(resumed);
        assertThat(resumed).usingRecursiveFieldByFieldElementComparatorIgnoringFields("scoringSeconds")
                .isEqualTo(uninterrupted);
        for (String strategy : List.of("mdn-max", "random")) {
            Path cycle2 = Path.of("seed-9", strategy, "cycle-2");
            assertThat(dir.resolve("stopped").resolve(cycle2).resolve("labelled.txt"))
                    .hasSameTextualContentAs(dir.resolve("whole").resolve(cycle2).resolve("labelled.txt"));
            // trained the same, bit for bit, from the saved cycle as from the model kept in memory
            assertThat(dir.resolve("stopped").resolve(cycle2).resolve("model/parameters.bin"))
                    .hasSameBinaryContentAs(dir.resolve("whole").resolve(cycle2).resolve("model/parameters.bin"));
            assertThat(dir.resolve("stopped").resolve(cycle2).resolveSibling("cycle-1")).doesNotExist();
        }
        assertThat(log).anyMatch(line -> line.startsWith("seed 9: initial model on 2 images") && line.endsWith("(saved earlier)"))
                .noneMatch(line -> line.startsWith("mdn-max seed 9 cycle 1"))
                .anyMatch(line -> line.contains("seed 9 cycle 2"));
    }

    private static final ActiveLearningSimulation.Settings SETTINGS =
            new ActiveLearningSimulation.Settings(2, 2, 2, 1, 1, 1, 4, 1e-3, 1, 0.1, 3);

    private static ActiveLearningSimulation simulationIn(String workDir) {
        return new ActiveLearningSimulation(null, pool, test, NETWORK, PREPROCESSING, SETTINGS, dir.resolve(workDir),
                line -> { });
    }

    private static List<Double> values(double[] scores) {
        return Arrays.stream(scores).boxed().toList();
    }

    @Test
    void anInitialSetAsLargeAsThePoolAndMcDropoutWithoutDropoutAreRefused() {
        assertThatThrownBy(() -> simulation(8, 1, 1, new ArrayList<>())).hasMessageContaining("would leave nothing to select");
        ActiveLearningSimulation noDropout = new ActiveLearningSimulation(null, pool, test, NETWORK.withDropout(0), PREPROCESSING,
                new ActiveLearningSimulation.Settings(2, 1, 1, 1, 1, 1, 4, 1e-3, 1, 0.1, 3), dir.resolve("nodropout"), line -> { });
        assertThatThrownBy(() -> noDropout.run(List.of(SelectionStrategy.MC_DROPOUT), List.of(1L), r -> { }))
                .hasMessageContaining("mc-dropout needs a network with dropout");
    }

    @Test
    void scorersGiveOneValuePerImageWithinTheirRange() {
        try (Detector detector = Detector.create(NETWORK, PREPROCESSING)) {
            double maxEntropy = Math.log(NETWORK.classesWithBackground());
            double[] entropy = ClassUncertainty.entropy(0.1).score(detector, pool);
            assertThat(values(entropy)).hasSize(pool.size())
                    .allMatch(v -> v == ImageInformativeness.NO_OBJECTS_SCORE || v >= 0 && v <= maxEntropy + 1e-6);
            double[] mutualInformation = ClassUncertainty.monteCarloDropout(4, 0.1).score(detector, pool);
            // H(mean P) − mean H(P) ≥ 0 (Jensen), up to float rounding; and bounded by the entropy
            assertThat(values(mutualInformation)).hasSize(pool.size())
                    .allMatch(v -> v == ImageInformativeness.NO_OBJECTS_SCORE || v >= -1e-5 && v <= maxEntropy + 1e-6);
            // a deterministic pass has no disagreement between passes: dropout is what MC-dropout measures
            try (Detector withoutDropout = Detector.create(NETWORK.withDropout(0), PREPROCESSING)) {
                assertThatThrownBy(() -> ClassUncertainty.monteCarloDropout(2, 0.1).score(withoutDropout, pool))
                        .hasMessageContaining("no dropout");
            }
            double[] mdn = new MdnInformativeness(ImageAggregation.MAX, 0.1).score(detector, pool);
            assertThat(values(mdn)).hasSize(pool.size()).allMatch(v -> !Double.isNaN(v));
        }
    }
}
