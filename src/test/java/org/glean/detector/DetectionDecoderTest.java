package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionDecoderTest {

    private static final int K = 2;
    private static final int CLASSES = 3; // background, nodule, mass
    private static final List<String> NAMES = List.of("nodule", "mass");
    private static final Anchors ANCHORS = Anchors.of(List.of(
            new Box(0.5, 0.5, 0.2, 0.2),
            new Box(0.5, 0.5, 0.2, 0.2),
            new Box(0.5, 0.5, 0.2, 0.2),
            new Box(0.2, 0.2, 0.1, 0.1)));
    // 512 rows × 256 columns into 256²: scale 0.5, 128 columns wide, 64 columns of padding left
    private static final LetterboxTransform TALL_FRAME = LetterboxTransform.fit(512, 256, 256);

    private final float[] locMeans = new float[4 * 4 * K];
    private final float[] locVariances = new float[4 * 4 * K];
    private final float[] locWeights = new float[4 * 4 * K];
    private final float[] clsMeans = new float[4 * K * CLASSES];
    private final float[] clsVariances = new float[4 * K * CLASSES];
    private final float[] clsWeights = new float[4 * K];

    DetectionDecoderTest() {
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                setLoc(a, b, new float[] {0.5f, 0.5f}, new float[] {0, 0}, new float[] {0.1f * (b + 1), 0.3f});
            }
            setCls(a, new float[] {1, 0}, new float[] {0, 0, 0}, new float[] {0, 0, 0});
        }
        // anchor 0: R = (0.25·1 + 0.75·3, 0.25·(−2) + 0.75·2, 0, 0) = (2.5, 1, 0, 0);
        // P = 0.5·softmax(0, ln 8, 0) + 0.5·softmax(0, 0, 0) = (0.21667, 0.56667, 0.21667)
        float[] quarter = {0.25f, 0.75f};
        setLoc(0, 0, quarter, new float[] {1, 3}, new float[] {0.2f, 0.4f});
        setLoc(0, 1, quarter, new float[] {-2, 2}, new float[] {0.2f, 0.4f});
        setCls(0, new float[] {0.5f, 0.5f}, new float[] {0, (float) Math.log(8), 0}, new float[] {0.0f, 0.0f, 0.0f});
        clsVariances[(0 * K + 1) * CLASSES + 2] = 0.9f;
        // anchor 1: nodule 0.55 on the anchor box, IoU 0.51 with anchor 0's box → suppressed
        setCls(1, new float[] {1, 0}, logs(0.3, 0.55, 0.15), new float[] {0, 0, 0});
        // anchor 2: mass 0.7 on the same box: another class, so NMS keeps it
        setCls(2, new float[] {1, 0}, logs(0.2, 0.1, 0.7), new float[] {0, 0, 0});
        // anchor 3: nodule 0.49, under the object threshold
        setCls(3, new float[] {1, 0}, logs(0.5, 0.49, 0.01), new float[] {0, 0, 0});
    }

    private MdnPredictions predictions() {
        return new MdnPredictions(4, K, CLASSES, locMeans, locVariances, locWeights, clsMeans, clsVariances, clsWeights);
    }

    @Test
    void decodesMixtureMeansAndScoresThenSuppressesPerClass() {
        List<Detection> detections = new DetectionDecoder(ANCHORS, NAMES, DecoderSettings.DEFAULT)
                .decode(predictions(), TALL_FRAME);

        assertThat(detections).extracting(Detection::anchorIndex).containsExactly(2, 0);
        Detection mass = detections.get(0);
        assertThat(mass.label()).isEqualTo(2);
        assertThat(mass.className()).isEqualTo("mass");
        assertThat(mass.score()).isCloseTo(0.7, within(1e-6));

        Detection nodule = detections.get(1);
        assertThat(nodule.label()).isEqualTo(1);
        assertThat(nodule.className()).isEqualTo("nodule");
        assertThat(nodule.score()).isCloseTo(0.5 * (0.8 + 1.0 / 3), within(1e-6));
        // cx = 0.5 + 2.5·0.1·0.2 = 0.55, cy = 0.5 + 1·0.1·0.2 = 0.52, size of the anchor
        assertThat(nodule.box().xmin()).isCloseTo(0.45, within(1e-6));
        assertThat(nodule.box().ymin()).isCloseTo(0.42, within(1e-6));
        assertThat(nodule.box().xmax()).isCloseTo(0.65, within(1e-6));
        assertThat(nodule.box().ymax()).isCloseTo(0.62, within(1e-6));
        // input pixels (115.2, 107.52)–(166.4, 158.72); minus 64 columns of padding; halved scale
        assertThat(nodule.pixelBox().xmin()).isCloseTo(102.4, within(1e-4));
        assertThat(nodule.pixelBox().ymin()).isCloseTo(215.04, within(1e-4));
        assertThat(nodule.pixelBox().xmax()).isCloseTo(204.8, within(1e-4));
        assertThat(nodule.pixelBox().ymax()).isCloseTo(317.44, within(1e-4));
    }

    @Test
    void carriesTheAnchorsActivatedMixture() {
        Detection nodule = new DetectionDecoder(ANCHORS, NAMES, DecoderSettings.DEFAULT)
                .decode(predictions(), TALL_FRAME).get(1);
        MixtureParameters m = nodule.mixture();
        assertThat(m.components()).isEqualTo(K);
        assertThat(m.locWeights()[0]).containsExactly(0.25, 0.75);
        assertThat(m.locMeans()[0]).containsExactly(1.0, 3.0);
        assertThat(m.locMeans()[1]).containsExactly(-2.0, 2.0);
        assertThat(m.locVariances()[0][0]).isCloseTo(0.2, within(1e-7));
        assertThat(m.locVariances()[3][0]).isCloseTo(0.4, within(1e-7));
        assertThat(m.clsWeights()).containsExactly(0.5, 0.5);
        assertThat(m.clsLogits()[0][1]).isCloseTo(Math.log(8), within(1e-6));
        assertThat(m.clsLogits()[1]).containsExactly(0.0, 0.0, 0.0);
        assertThat(m.clsVariances()[1][2]).isCloseTo(0.9, within(1e-7));
    }

    @Test
    void lowerThresholdAdmitsWeakDetections() {
        List<Detection> detections = new DetectionDecoder(ANCHORS, NAMES, DecoderSettings.DEFAULT.withScoreThreshold(0.4))
                .decode(predictions(), TALL_FRAME);
        assertThat(detections).extracting(Detection::anchorIndex).containsExactly(2, 0, 3);
    }

    @Test
    void decodesAPlainHeadWithoutMixture() {
        float[] offsets = new float[4 * 4];
        offsets[0] = 2.5f;
        offsets[1] = 1f;
        float[] logits = new float[4 * CLASSES];
        logits[1] = (float) Math.log(8); // anchor 0: softmax (0.1, 0.8, 0.1)
        List<Detection> detections = new DetectionDecoder(ANCHORS, NAMES, DecoderSettings.DEFAULT)
                .decode(new PlainPredictions(4, CLASSES, offsets, logits), TALL_FRAME);
        assertThat(detections).hasSize(1);
        assertThat(detections.get(0).score()).isCloseTo(0.8, within(1e-6));
        assertThat(detections.get(0).box().cx()).isCloseTo(0.55, within(1e-6));
        assertThat(detections.get(0).mixture()).isNull();
    }

    @Test
    void rejectsOutputsOfAnotherModel() {
        DetectionDecoder decoder = new DetectionDecoder(ANCHORS, List.of("nodule"), DecoderSettings.DEFAULT);
        assertThatThrownBy(() -> decoder.decode(predictions(), TALL_FRAME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 classes");
    }

    private void setLoc(int anchor, int coordinate, float[] weights, float[] means, float[] variances) {
        int base = (anchor * 4 + coordinate) * K;
        for (int k = 0; k < K; k++) {
            locWeights[base + k] = weights[k];
            locMeans[base + k] = means[k];
            locVariances[base + k] = variances[k];
        }
    }

    private void setCls(int anchor, float[] weights, float[] firstComponentLogits, float[] secondComponentLogits) {
        for (int k = 0; k < K; k++) {
            clsWeights[anchor * K + k] = weights[k];
            float[] logits = k == 0 ? firstComponentLogits : secondComponentLogits;
            System.arraycopy(logits, 0, clsMeans, (anchor * K + k) * CLASSES, CLASSES);
        }
    }

    private static float[] logs(double... probabilities) {
        float[] out = new float[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(probabilities[i]);
        }
        return out;
    }
}
