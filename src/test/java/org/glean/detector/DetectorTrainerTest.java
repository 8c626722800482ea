package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorTrainerTest {

    private static final int SIZE = 64;
    private static final int STEPS = 300;

    @Test
    void overfitsAFewImagesAndThenFindsTheirDiscs() {
        TrainingBatch batch = SyntheticDiscs.batch(SIZE, 7, List.of(
                List.of(new SyntheticDiscs.Disc(16, 16, 4, 1), new SyntheticDiscs.Disc(42, 40, 9, 2)),
                List.of(new SyntheticDiscs.Disc(48, 14, 4, 1)),
                List.of(new SyntheticDiscs.Disc(22, 44, 9, 2)),
                List.of(new SyntheticDiscs.Disc(30, 30, 4, 1), new SyntheticDiscs.Disc(50, 52, 4, 1))));
        DetectorConfig config = DetectorConfig.of(SIZE, List.of(16, 16, 16, 16), 2, List.of(16), TinyNetworks.CLASSES, 2);
        List<TrainingProgress> progress = new ArrayList<>();
        // fixed initial weights and γ draws
        Engine.getInstance().setRandomSeed(1);
        try (Detector detector = Detector.create(config, Preprocessing.defaults(SIZE));
             DetectorTrainer trainer = new DetectorTrainer(detector,
                     TrainingSettings.defaults().withLearningRate(3e-3).withWarmupSteps(10))) {
            // 200 steps at 3e-3, then 100 at 3e-4 to settle: across 20 seeds the loss then always ended
            // far below its start, and 19 of 20 runs found every disc
            trainer.fit(200, epoch -> List.of(batch), progress::add);
            trainer.setLearningRate(3e-4);
            trainer.fit(STEPS - 200, epoch -> List.of(batch), progress::add);

            assertThat(progress).hasSize(STEPS);
            assertThat(progress.get(STEPS - 1).step()).isEqualTo(STEPS);
            assertThat(progress).allSatisfy(p -> assertThat(p.imagesPerSecond()).isPositive());
            double first = meanLoss(progress.subList(0, 10));
            double last = meanLoss(progress.subList(STEPS - 10, STEPS));
            assertThat(last).as("loss after %d steps vs the first 10 (%.3f)", STEPS, first).isLessThan(0.25 * first);
            // the same batch with BatchNorm on its running statistics, as at inference (batch
            // statistics of four images differ from the running ones, so only ask for progress)
            assertThat(trainer.validationLoss(batch)).isLessThan(first);

            List<List<Detection>> detections = detector.detect(batch.images(), DecoderSettings.DEFAULT);
            // detect() scores on the engine map by map and copies only detected anchors; decoding
            // every output in Java must agree
            List<List<Detection>> reference = ReferenceDecoding.detect(detector, batch.images(), DecoderSettings.DEFAULT);
            for (int i = 0; i < batch.images().size(); i++) {
                ReferenceDecoding.assertSameDetections(detections.get(i), reference.get(i));
            }
            for (int i = 0; i < batch.images().size(); i++) {
                for (GroundTruthBox truth : batch.truths().get(i)) {
                    assertThat(detections.get(i)).as("image %d, %s", i, truth)
                            .anySatisfy(d -> {
                                assertThat(d.label()).isEqualTo(truth.label());
                                assertThat(d.box().iou(truth.box())).isGreaterThan(0.5);
                            });
                }
            }
        }
    }

    private static double meanLoss(List<TrainingProgress> steps) {
        return steps.stream().mapToDouble(TrainingProgress::loss).average().orElseThrow();
    }
}
