package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.Augmentation;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.DetectorConfig;
import org.glean.detector.ModelManifest;
import org.glean.detector.Preprocessing;
import org.glean.detector.TrainingBatch;
import org.glean.detector.TrainingProgress;
import org.glean.detector.TrainingSettings;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.synth.Shift;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import org.glean.uncertainty.UncertaintyStatistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared training loop on a tiny synthetic DX set and a tiny network. */
class TrainingRunTest {

    private static final int SIZE = 64;
    private static final DetectorConfig NETWORK = DetectorConfig.of(SIZE, List.of(16, 16, 16), 2, List.of(16),
            DetectorConfig.DEFAULT_CLASSES, 2);
    private static final Preprocessing PREPROCESSING = Preprocessing.defaults(SIZE);
    private static final TrainingSettings SETTINGS = TrainingSettings.defaults().withWarmupSteps(1);

    @TempDir
    static Path dir;

    static PreprocessedDataset data;

    @BeforeAll
    static void synthesise() throws IOException, InvalidDatasetException {
        SynthOptions options = new SynthOptions(7, 8, 1, 1, SIZE, 0, SynthOptions.Range.parse("1:2"), 0.4,
                SynthOptions.Range.parse("5:30"), SynthOptions.Range.parse("0:0.5"), 0, List.of(Shift.CONTRAST));
        Path folder = new SynthDatasetWriter().write(options, dir.resolve("data"), done -> { }).folder();
        data = PreprocessedDataset.load(folder, folder.resolve(SynthDatasetWriter.COCO_FILE_NAME), new PixelMedDicomReader(),
                PREPROCESSING, DetectorConfig.DEFAULT_CLASSES, loaded -> { });
    }

    @Test
    void theCosineScheduleFallsFromThePeakToTwoPercentOfIt() {
        assertThat(TrainingRun.cosineRate(0.01, 0)).isCloseTo(0.01, within(1e-12));
        assertThat(TrainingRun.cosineRate(0.01, 0.5)).isCloseTo(0.01 * (0.02 + 0.98 * 0.5), within(1e-12));
        assertThat(TrainingRun.cosineRate(0.01, 1)).isCloseTo(0.0002, within(1e-12));
        assertThat(TrainingRun.cosineRate(0.01, 1.7)).as("past the end").isCloseTo(0.0002, within(1e-12));
    }

    @Test
    void anEpochsBatchesCoverEveryImageWithAnObjectAndLeaveOutBatchesWithoutOne() {
        List<TrainingBatch> batches = TrainingRun.batches(data.items(), 1, Augmentation.MIRROR, new Random(3));

        long withObjects = data.items().stream().filter(item -> !item.truths().isEmpty()).count();
        assertThat(withObjects).as("the set mixes normal and abnormal images").isBetween(1L, data.size() - 1L);
        assertThat(batches).hasSize((int) withObjects);
        assertThat(batches).allSatisfy(batch -> assertThat(batch.truths().get(0)).isNotEmpty());
    }

    @Test
    void aValidatedRunReportsEveryStepAndEpochAndWritesTheBestEpochWithStatistics() throws IOException {
        List<String> heard = new ArrayList<>();
        List<Double> validationMaps = new ArrayList<>();
        Path best = dir.resolve("validated/best");
        Path model = dir.resolve("validated/model");
        ModelManifest manifest = ModelManifest.describe(NETWORK, PREPROCESSING);
        TrainingRun run = new TrainingRun(SETTINGS, 3, 4, new Random(1)).validatedOn(data, best, manifest);

        try (Detector detector = Detector.create(NETWORK, PREPROCESSING)) {
            TrainingRun.Outcome outcome = run.train(detector, data, new TrainingRun.Listener() {
                @Override
                public void step(int epoch, int step, int steps, TrainingProgress progress, double imagesPerSecond) {
                    heard.add("step " + epoch + ":" + step + "/" + steps);
                }

                @Override
                public void epochDone(TrainingRun.EpochSummary epoch, MeanAveragePrecision.Result validation) {
                    heard.add("epoch " + epoch.epoch() + "/" + epoch.epochs());
                    validationMaps.add(validation.meanAveragePrecision());
                }
            });

            assertThat(outcome.end()).isEqualTo(TrainingRun.End.COMPLETED);
            assertThat(outcome.lastEpoch()).isEqualTo(3);
            assertThat(heard).contains("epoch 1/3", "epoch 2/3").last().isEqualTo("epoch 3/3");
            assertThat(heard.get(0)).startsWith("step 1:1/");
            assertThat(outcome.steps()).isEqualTo(heard.stream().filter(line -> line.startsWith("step")).count());
            double bestMap = validationMaps.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertThat(outcome.bestMap()).isEqualTo(bestMap);
            assertThat(outcome.bestEpoch()).isEqualTo(validationMaps.indexOf(bestMap) + 1);

            UncertaintyStatistics statistics = run.writeModel(outcome, detector, data, manifest, 0.0, model);

            assertThat(statistics).as("every anchor is an object at threshold 0").isNotNull();
            assertThat(best).as("the kept best epoch is dropped once written").doesNotExist();
            try (DetectorCheckpoint written = DetectorCheckpoint.load(model)) {
                assertThat(written.manifest().normalisationStatistics()).isNotNull();
                assertThat(DetectorEvaluation.meanAveragePrecision(written.detector(), data).meanAveragePrecision())
                        .as("the model written is the best epoch's").isEqualTo(bestMap);
            }
        }
    }

    @Test
    void patienceEndsTheRunAtTheFirstEpochThatDoesNotValidateBetterThanTheBest() throws IOException {
        List<Double> validationMaps = new ArrayList<>();
        TrainingRun run = new TrainingRun(SETTINGS, 6, 4, new Random(2))
                .validatedOn(data, dir.resolve("patient/best"), ModelManifest.describe(NETWORK, PREPROCESSING))
                .patience(1);

        try (Detector detector = Detector.create(NETWORK, PREPROCESSING)) {
            TrainingRun.Outcome outcome = run.train(detector, data, new TrainingRun.Listener() {
                @Override
                public void epochDone(TrainingRun.EpochSummary epoch, MeanAveragePrecision.Result validation) {
                    validationMaps.add(validation.meanAveragePrecision());
                }
            });

            // with patience 1 every epoch but the last finished one improved on all before it
            int last = validationMaps.size();
            for (int epoch = 1; epoch < last; epoch++) {
                assertThat(validationMaps.get(epoch - 1)).as("epoch %d", epoch)
                        .isGreaterThan(validationMaps.subList(0, epoch - 1).stream().mapToDouble(Double::doubleValue)
                                .max().orElse(-1));
            }
            double bestBefore = validationMaps.subList(0, last - 1).stream().mapToDouble(Double::doubleValue).max()
                    .orElse(-1);
            assertThat(outcome.lastEpoch()).isEqualTo(last);
            if (last < 6) {
                assertThat(outcome.end()).isEqualTo(TrainingRun.End.NO_IMPROVEMENT);
                assertThat(validationMaps.get(last - 1)).isLessThanOrEqualTo(bestBefore);
                assertThat(outcome.bestEpoch()).isEqualTo(last - 1);
            } else {
                assertThat(outcome.end()).isEqualTo(TrainingRun.End.COMPLETED);
            }
        }
    }

    @Test
    void aStopSignalEndsTheRunBeforeTheNextStepWithoutFinishingTheEpoch() throws IOException {
        AtomicInteger steps = new AtomicInteger();
        AtomicInteger epochs = new AtomicInteger();
        TrainingRun run = new TrainingRun(SETTINGS, 5, 1, new Random(1)).stoppedWhen(() -> steps.get() == 2);

        try (Detector detector = Detector.create(NETWORK, PREPROCESSING)) {
            TrainingRun.Outcome outcome = run.train(detector, data, new TrainingRun.Listener() {
                @Override
                public void step(int epoch, int step, int total, TrainingProgress progress, double imagesPerSecond) {
                    steps.incrementAndGet();
                }

                @Override
                public void epochDone(TrainingRun.EpochSummary epoch, MeanAveragePrecision.Result validation) {
                    epochs.incrementAndGet();
                }
            });

            assertThat(outcome.end()).isEqualTo(TrainingRun.End.STOPPED);
            assertThat(outcome.steps()).isEqualTo(2);
            assertThat(outcome.lastEpoch()).isZero();
            assertThat(epochs).hasValue(0);
        }
    }

    @Test
    void aTimeLimitThatHasRunOutStartsNoEpochYetTheModelCanStillBeWritten() throws IOException {
        TrainingRun run = new TrainingRun(SETTINGS, 5, 1, new Random(1)).limitedTo(1e-9);
        Path model = dir.resolve("timed/model");

        try (Detector detector = Detector.create(NETWORK, PREPROCESSING)) {
            TrainingRun.Outcome outcome = run.train(detector, data, TrainingRun.Listener.QUIET);

            assertThat(outcome.end()).isEqualTo(TrainingRun.End.TIME_LIMIT);
            assertThat(outcome.steps()).isZero();
            assertThat(outcome.lastEpoch()).isZero();
            run.writeModel(outcome, detector, data, ModelManifest.describe(NETWORK, PREPROCESSING), 0.5, model);
        }
        assertThat(Files.exists(model.resolve(DetectorCheckpoint.PARAMETERS))).isTrue();
    }

    @Test
    void aFrozenUpdateLeavesTheBackboneAsItWasAndAnUnfrozenOneChangesIt() throws IOException {
        try (Detector detector = Detector.create(NETWORK, PREPROCESSING)) {
            Map<String, float[]> before = parameters(detector);

            TrainingRun.Outcome frozen = TrainingRun.fineTune(SETTINGS, new FineTuneSchedule(1, 1, 1), 4, new Random(1))
                    .train(detector, data, TrainingRun.Listener.QUIET);
            Map<String, float[]> afterFrozen = parameters(detector);

            assertThat(frozen.steps()).isEqualTo(1);
            assertThat(detector.network().backboneFrozen()).as("thawed once the run ends").isFalse();
            assertThat(before).allSatisfy((name, values) -> {
                if (name.contains("backbone")) {
                    assertThat(afterFrozen.get(name)).as(name + ", its BatchNorm statistics too").isEqualTo(values);
                }
            });
            assertThat(before).as("the head learnt")
                    .anySatisfy((name, values) -> assertThat(afterFrozen.get(name)).isNotEqualTo(values));

            TrainingRun.fineTune(SETTINGS, new FineTuneSchedule(1, 0, 1), 4, new Random(1))
                    .train(detector, data, TrainingRun.Listener.QUIET);
            Map<String, float[]> afterUnfrozen = parameters(detector);

            assertThat(afterFrozen.keySet().stream().filter(name -> name.contains("backbone")
                    && !java.util.Arrays.equals(afterFrozen.get(name), afterUnfrozen.get(name))))
                    .as("backbone parameters an unfrozen update changed").isNotEmpty();
        }
    }

    @Test
    void aFineTuneRunsItsScheduledUpdatesAndValidatesAfterEveryRound() throws IOException {
        List<String> heard = new ArrayList<>();
        TrainingRun run = TrainingRun.fineTune(SETTINGS, new FineTuneSchedule(5, 2, 2), 4, new Random(4))
                .replaying(data.subset(List.of(0, 1)), 0.25)
                .validatedOn(data, dir.resolve("rounds/best"), ModelManifest.describe(NETWORK, PREPROCESSING));

        try (Detector detector = Detector.create(NETWORK, PREPROCESSING)) {
            TrainingRun.Outcome outcome = run.train(detector, data, new TrainingRun.Listener() {
                @Override
                public void step(int epoch, int step, int steps, TrainingProgress progress, double imagesPerSecond) {
                    heard.add("step " + epoch + ":" + step + "/" + steps + " of " + progress.images());
                }

                @Override
                public void epochDone(TrainingRun.EpochSummary epoch, MeanAveragePrecision.Result validation) {
                    heard.add("round " + epoch.epoch() + "/" + epoch.epochs());
                }
            });

            assertThat(outcome.steps()).isEqualTo(5);
            assertThat(heard).containsExactly("step 1:1/2 of 4", "step 1:2/2 of 4", "round 1/3", "step 2:1/2 of 4",
                    "step 2:2/2 of 4", "round 2/3", "step 3:1/1 of 4", "round 3/3");
        }
    }

    // Every parameter's values, BatchNorm running statistics included, by name.
    private static Map<String, float[]> parameters(Detector detector) {
        Map<String, float[]> values = new TreeMap<>();
        for (Pair<String, Parameter> parameter : detector.network().getParameters()) {
            values.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
        }
        return values;
    }
}
