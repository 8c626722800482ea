package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.glean.bench.PhantomBatch;
import org.glean.uncertainty.ObjectUncertainty;
import org.junit.jupiter.api.Test;

/**
 * The bundled model, loaded from its unchanged parameter file, through {@link Detector#detect}
 * (scores per feature map, only the detected anchors' mixtures copied out) finds what decoding
 * the joined training-layout outputs of every anchor in plain Java finds, with the same
 * uncertainties — at the batch size where the two paths differ most in cost.
 */
class BundledModelDetectionTest {

    private static final Path BUNDLED_MODEL = Path.of("src/main/resources/model");
    private static final int BATCH = 16;

    @Test
    void perMapInferenceGivesTheDetectionsAndUncertaintiesOfDecodingEveryOutput() throws IOException {
        try (DetectorCheckpoint model = DetectorCheckpoint.load(BUNDLED_MODEL)) {
            Detector detector = model.detector();
            List<PreprocessedImage> images = PhantomBatch.of(detector.preprocessing(), BATCH, 11);
            List<List<Detection>> actual = detector.detect(images, DecoderSettings.DEFAULT);
            List<List<Detection>> expected = ReferenceDecoding.detect(detector, images, DecoderSettings.DEFAULT);

            // 7 objects in these 16 images: enough to compare mixtures from several maps
            assertThat(expected.stream().mapToInt(List::size).sum()).as("objects found in the phantoms")
                    .isGreaterThanOrEqualTo(5);
            for (int i = 0; i < BATCH; i++) {
                ReferenceDecoding.assertSameDetections(actual.get(i), expected.get(i));
                for (int d = 0; d < actual.get(i).size(); d++) {
                    ReferenceDecoding.assertClose(values(DetectionUncertainty.of(actual.get(i).get(d))),
                            values(DetectionUncertainty.of(expected.get(i).get(d))));
                }
            }
        }
    }

    private static double[] values(ObjectUncertainty u) {
        return new double[] {u.epistemicLocalization(), u.aleatoricLocalization(), u.epistemicClassification(),
                u.aleatoricClassification()};
    }
}
