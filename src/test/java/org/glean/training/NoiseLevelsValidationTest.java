package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.glean.coco.InvalidDatasetException;
import org.glean.detector.DecoderSettings;
import org.glean.detector.Detection;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.synth.Shift;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import org.glean.training.UncertaintyValidation.TrackedObject;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.UncertaintyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glean validate-uncertainty --noise-levels}: the same scenes at several noise levels, each found object followed. */
class NoiseLevelsValidationTest {

    private static final Path BUNDLED_MODEL = Path.of("src/main/resources/model");

    @TempDir
    Path dir;

    @Test
    void eachObjectsRhoIsAveragedOverObjectsFoundAtThreeOrMoreLevels() {
        List<TrackedObject> objects = List.of(
                // a: al_loc rises with noise (ρ 1), ep_loc falls (ρ −1)
                tracked("a", 0, 0.3, 0.1), tracked("a", 100, 0.2, 0.2), tracked("a", 200, 0.1, 0.3),
                // b: al_loc ranks 1, 3, 2 against 1, 2, 3 (ρ = 1 − 6·2/24 = 0.5); ep_loc constant, counts 0
                tracked("b", 0, 0.5, 0.1), tracked("b", 100, 0.5, 0.3), tracked("b", 200, 0.5, 0.2),
                // c: found at two levels only, left out
                tracked("c", 0, 9, 9), tracked("c", 200, 0, 0));

        UncertaintyValidation.NoiseLevelsResult result = UncertaintyValidation.noiseLevels(objects);

        assertThat(result.objects()).isEqualTo(2);
        assertThat(result.meanRho().get(UncertaintyKind.ALEATORIC_LOCALIZATION)).isCloseTo(0.75, within(1e-12));
        assertThat(result.meanRho().get(UncertaintyKind.EPISTEMIC_LOCALIZATION)).isCloseTo(-0.5, within(1e-12));
    }

    @Test
    void objectsFoundAtTooFewLevelsAreRefusedWithTheReason() {
        List<TrackedObject> twoLevels = List.of(tracked("a", 0, 0.1, 0.1), tracked("a", 100, 0.2, 0.2),
                tracked("a", 100, 0.3, 0.3));

        assertThatThrownBy(() -> UncertaintyValidation.noiseLevels(twoLevels))
                .hasMessageContaining("3 or more noise levels");
    }

    @Test
    void theBundledModelsObjectsAreFollowedAcrossRenderingsOfTheSameScenes() throws Exception {
        try (DetectorCheckpoint model = DetectorCheckpoint.load(BUNDLED_MODEL)) {
            Detector detector = model.detector();
            double[] levels = {0, 60, 120};
            List<PreprocessedDataset> renderings = new ArrayList<>();
            for (double level : levels) {
                renderings.add(rendering(detector, 3, level));
            }
            UncertaintyValidation.requireSameScenes(renderings);

            List<TrackedObject> tracked = new ArrayList<>();
            for (PreprocessedDataset rendering : renderings) {
                List<List<Detection>> detections = DetectorEvaluation.detect(detector, rendering, DecoderSettings.DEFAULT);
                tracked.addAll(UncertaintyValidation.track(rendering, detections));
            }

            int truths = renderings.get(0).items().stream().mapToInt(item -> item.truths().size()).sum();
            Map<String, List<Double>> levelsPerObject = tracked.stream().collect(Collectors.groupingBy(
                    TrackedObject::object, Collectors.mapping(TrackedObject::noise, Collectors.toList())));
            assertThat(levelsPerObject.size()).as("objects found at any level").isBetween(1, truths);
            assertThat(levelsPerObject.values()).allSatisfy(found ->
                    assertThat(found).as("each rendering finds an object once").doesNotHaveDuplicates()
                            .isSubsetOf(0.0, 60.0, 120.0));
            assertThat(levelsPerObject.values()).as("some object found in all three renderings")
                    .anySatisfy(found -> assertThat(found).hasSize(3));
            UncertaintyValidation.NoiseLevelsResult result = UncertaintyValidation.noiseLevels(tracked);
            assertThat(result.meanRho().values()).allSatisfy(rho -> assertThat(rho).isBetween(-1.0, 1.0));
        }
    }

    @Test
    void renderingsOfOtherScenesAreRefusedWithTheReason() throws Exception {
        try (DetectorCheckpoint model = DetectorCheckpoint.load(BUNDLED_MODEL)) {
            Detector detector = model.detector();
            PreprocessedDataset scenes = rendering(detector, 3, 0);
            PreprocessedDataset otherScenes = rendering(detector, 4, 60);

            assertThatThrownBy(() -> UncertaintyValidation.requireSameScenes(List.of(scenes, otherScenes)))
                    .hasMessageContaining("does not hold the same scenes").hasMessageContaining("the same seed");
        }
    }

    private PreprocessedDataset rendering(Detector detector, long seed, double noise)
            throws IOException, InvalidDatasetException {
        SynthOptions options = new SynthOptions(seed, 2, 3, 1, 256, 0.5, SynthOptions.Range.parse("2:3"), 0,
                new SynthOptions.Range(noise, noise), SynthOptions.Range.parse("0:0.5"), 0, List.of(Shift.CONTRAST));
        Path folder = new SynthDatasetWriter().write(options, dir.resolve("seed-" + seed + "-noise-" + noise), done -> { })
                .folder();
        return PreprocessedDataset.load(folder, folder.resolve(SynthDatasetWriter.COCO_FILE_NAME), new PixelMedDicomReader(),
                detector.preprocessing(), detector.config().classes(), loaded -> { });
    }

    private static TrackedObject tracked(String object, double noise, double epistemicLocalization,
                                         double aleatoricLocalization) {
        return new TrackedObject(object, noise, new ObjectUncertainty(epistemicLocalization, aleatoricLocalization, 0, 0));
    }
}
