package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DetectorNetworkTest {

    @Test
    void inferenceLeavesNoArrayBehindOnTheModelsManager() {
        for (HeadType head : HeadType.values()) {
            try (Detector detector = Detector.create(TinyNetworks.config().withHead(head), TinyNetworks.preprocessing())) {
                List<PreprocessedImage> images = randomImages(2, 64, 3);
                detector.detect(images, DecoderSettings.DEFAULT);
                int managed = detector.model().getNDManager().getManagedArrays().size();

                for (int pass = 0; pass < 5; pass++) {
                    detector.detect(images, DecoderSettings.DEFAULT);
                }

                assertThat(detector.model().getNDManager().getManagedArrays()).as(head + " head").hasSize(managed);
            }
        }
    }

    @Test
    void mdnOutputsCoverEveryAnchorWithValidMixtures() {
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing());
             NDManager manager = detector.model().getNDManager().newSubManager()) {
            NDArray raw = ReferenceDecoding.trainingLayout(detector, manager, randomImages(2, 64, 1));
            int anchors = detector.anchors().count();
            assertThat(anchors).isEqualTo((64 + 16 + 4) * 4);
            assertThat(raw.getShape()).isEqualTo(new Shape(2, anchors, 3 * 4 * 2 + 2 * 2 * 3 + 2));
            assertThat(detector.network().getOutputShapes(new Shape[] {detector.network().inputShape(2)}))
                    .containsExactly(raw.getShape());
            NDList out = MdnHead.activate(raw, 2, 3);
            assertThat(out).extracting(NDArray::getShape).containsExactly(
                    new Shape(2, anchors, 4, 2), new Shape(2, anchors, 4, 2), new Shape(2, anchors, 4, 2),
                    new Shape(2, anchors, 2, 3), new Shape(2, anchors, 2, 3), new Shape(2, anchors, 2));
            float[] locWeightSums = out.get(MdnHead.LOC_WEIGHTS).sum(new int[] {3}).toFloatArray();
            float[] clsWeightSums = out.get(MdnHead.CLS_WEIGHTS).sum(new int[] {2}).toFloatArray();
            for (float s : locWeightSums) {
                assertThat((double) s).isCloseTo(1.0, within(1e-5));
            }
            for (float s : clsWeightSums) {
                assertThat((double) s).isCloseTo(1.0, within(1e-5));
            }
            for (int i : new int[] {MdnHead.LOC_VARIANCES, MdnHead.CLS_VARIANCES}) {
                for (float v : out.get(i).toFloatArray()) {
                    assertThat(v).isStrictlyBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    void inferenceOutputsAreTheTrainingOutputsReordered() {
        for (HeadType head : HeadType.values()) {
            DetectorConfig config = TinyNetworks.config().withHead(head);
            try (Detector detector = Detector.create(config, TinyNetworks.preprocessing());
                 NDManager manager = detector.model().getNDManager().newSubManager()) {
                List<PreprocessedImage> images = randomImages(2, 64, 6);
                NDList planar = detector.forward(manager, images, false);
                // one array per map: 8², 4² and 2² cells, 4 anchors per cell
                assertThat(planar).extracting(NDArray::getShape).containsExactly(
                        new Shape(2, 4L * config.outputsPerAnchor(), 64), new Shape(2, 4L * config.outputsPerAnchor(), 16),
                        new Shape(2, 4L * config.outputsPerAnchor(), 4));
                assertClose(detector.network().head().anchorOutputs(planar).toFloatArray(),
                        ReferenceDecoding.trainingLayout(detector, manager, images).toFloatArray());
            }
        }
    }

    @Test
    void scoresAndSelectedMixturesOnTheEngineMatchThePlainJavaComputation() {
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing());
             NDManager manager = detector.model().getNDManager().newSubManager()) {
            List<PreprocessedImage> images = randomImages(2, 64, 7);
            NDList planar = detector.forward(manager, images, false);
            MdnPredictions second = MdnHead.toPredictions(ReferenceDecoding.trainingLayout(detector, manager, images), 2, 3)
                    .get(1);
            NDList scores = MdnHead.scores(planar, 2, 3);
            AnchorScores expected = second.scores();
            int anchors = detector.anchors().count();
            assertClose(MdnHead.slice(scores.get(0).toFloatArray(), 1, anchors * 4), expected.offsets());
            assertClose(MdnHead.slice(scores.get(1).toFloatArray(), 1, anchors * 3), expected.probabilities());

            // anchors of the last, first and middle maps (256 + 64 + 16 per map), two in one cell
            int[] chosen = {334, 5, 6, 300, 258};
            MdnPredictions selected = MdnHead.select(planar, 1, chosen, 2, 3);
            for (int i = 0; i < chosen.length; i++) {
                ReferenceDecoding.assertSameMixture(selected.mixture(i), second.mixture(chosen[i]));
            }
        }
    }

    @Test
    void javaActivationOfRawOutputsMatchesTheEngines() {
        try (NDManager manager = NDManager.newBaseManager(ai.djl.engine.Engine.getEngine(Detector.ENGINE).defaultDevice(),
                Detector.ENGINE)) {
            NDArray raw = manager.randomNormal(0, 3, new Shape(1, 6, TinyNetworks.config().outputsPerAnchor()),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            NDList engine = MdnHead.activate(raw, 2, 3);
            MdnPredictions java = MdnHead.toPredictions(raw, 2, 3).get(0);
            assertClose(java.locMeans(), engine.get(MdnHead.LOC_MEANS).toFloatArray());
            assertClose(java.locVariances(), engine.get(MdnHead.LOC_VARIANCES).toFloatArray());
            assertClose(java.locWeights(), engine.get(MdnHead.LOC_WEIGHTS).toFloatArray());
            assertClose(java.clsMeans(), engine.get(MdnHead.CLS_MEANS).toFloatArray());
            assertClose(java.clsVariances(), engine.get(MdnHead.CLS_VARIANCES).toFloatArray());
            assertClose(java.clsWeights(), engine.get(MdnHead.CLS_WEIGHTS).toFloatArray());
        }
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("value %d", i).isCloseTo(expected[i], within(1e-5));
        }
    }

    @Test
    void hasTheParametersTheConfigurationDescribes() {
        // Worked out by hand for the tiny configuration (weights; BatchNorm has 4 values per channel:
        // γ, β, running mean, running variance):
        //   stage0 1→16→16: 144 + 64 + 2304 + 64 = 2576     stages 1–3 16→16→16: 3 × (2304 + 64 + 2304 + 64)
        //   extra 16→16 (1×1) →16 (3×3 stride 2): 256 + 64 + 2304 + 64 = 2688
        //   head per map: depthwise 144 + 64, pointwise 16 → 4 anchors × 38 outputs: 2432 + 152 → 3 × 2792
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            assertThat(detector.network().parameterCount()).isEqualTo(2576 + 3 * 4736 + 2688 + 3 * 2792);
            // 208 BatchNorm channels carry 2 running statistics each
            assertThat(detector.network().trainableParameterCount()).isEqualTo(27848 - 2 * 208);
        }
    }

    @Test
    void gradientsReachEveryTrainableParameter() {
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing());
             NDManager manager = detector.model().getNDManager().newSubManager()) {
            List<Parameter> trainable = new ArrayList<>();
            for (Pair<String, Parameter> p : detector.network().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().setRequiresGradient(true);
                    trainable.add(p.getValue());
                }
            }
            // one box per feature map's scale, so that every map has positive anchors whatever
            // the random initial weights make of the mined negatives
            AnchorMatcher.Targets targets = new AnchorMatcher(detector.anchors()).match(List.of(
                    new GroundTruthBox(Box.fromCorners(0.1, 0.1, 0.25, 0.25), 1),
                    new GroundTruthBox(Box.fromCorners(0.4, 0.5, 0.9, 0.8), 2),
                    new GroundTruthBox(Box.fromCorners(0.05, 0.05, 0.95, 0.95), 1)));
            int anchors = detector.anchors().count();
            NDList labels = new NDList(manager.create(targets.offsets(), new Shape(1, anchors, 4)),
                    manager.create(targets.labels(), new Shape(1, anchors)));
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDList out = detector.network().forward(new ParameterStore(manager, false),
                        new NDList(detector.batch(manager, randomImages(1, 64, 2))), true);
                collector.backward(MdnLoss.standard().evaluate(labels, MdnHead.activate(out.singletonOrThrow(), 2, 3)));
            }
            assertThat(trainable).hasSizeGreaterThan(30);
            for (Pair<String, Parameter> p : detector.network().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    float gradient = p.getValue().getArray().getGradient().abs().sum().getFloat();
                    assertThat(gradient).as("gradient of %s", p.getKey()).isGreaterThan(0f);
                }
            }
        }
    }

    @Test
    void plainHeadGivesOneOffsetAndOneSetOfLogitsPerAnchor() {
        DetectorConfig plain = TinyNetworks.config().withHead(HeadType.PLAIN);
        try (Detector detector = Detector.create(plain, TinyNetworks.preprocessing());
             NDManager manager = detector.model().getNDManager().newSubManager()) {
            NDArray raw = detector.network().head().anchorOutputs(detector.forward(manager, randomImages(3, 64, 3), false));
            int anchors = detector.anchors().count();
            assertThat(raw.getShape()).isEqualTo(new Shape(3, anchors, 4 + 3));
            float[] values = raw.toFloatArray();
            List<PlainPredictions> predictions = PlainHead.toPredictions(raw);
            assertThat(predictions).hasSize(3);
            // image 2, anchor 5: offsets then logits, as laid out in the raw row
            int row = (2 * anchors + 5) * 7;
            assertThat(java.util.Arrays.copyOfRange(predictions.get(2).offsets(), 5 * 4, 5 * 4 + 4))
                    .containsExactly(java.util.Arrays.copyOfRange(values, row, row + 4));
            assertThat(java.util.Arrays.copyOfRange(predictions.get(2).logits(), 5 * 3, 5 * 3 + 3))
                    .containsExactly(java.util.Arrays.copyOfRange(values, row + 4, row + 7));
        }
    }

    @Test
    void monteCarloDropoutVariesOnlyWhenAskedFor() {
        DetectorConfig withDropout = TinyNetworks.config().withHead(HeadType.PLAIN).withDropout(0.5);
        try (Detector detector = Detector.create(withDropout, TinyNetworks.preprocessing());
             NDManager manager = detector.model().getNDManager().newSubManager()) {
            List<PreprocessedImage> images = randomImages(1, 64, 4);
            DetectionHead head = detector.network().head();
            float[] plain1 = head.anchorOutputs(detector.forward(manager, images, false)).toFloatArray();
            float[] plain2 = head.anchorOutputs(detector.forward(manager, images, false)).toFloatArray();
            float[] mc1 = head.anchorOutputs(detector.forward(manager, images, true)).toFloatArray();
            float[] mc2 = head.anchorOutputs(detector.forward(manager, images, true)).toFloatArray();
            assertThat(plain2).containsExactly(plain1);
            assertThat(mc1).isNotEqualTo(mc2);
            assertThat(mc1).isNotEqualTo(plain1);
        }
    }

    @Test
    void refusesMonteCarloDropoutWithoutDropout() {
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing());
             NDManager manager = detector.model().getNDManager().newSubManager()) {
            assertThatThrownBy(() -> detector.forward(manager, randomImages(1, 64, 5), true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no dropout");
        }
    }

    static List<PreprocessedImage> randomImages(int count, int size, long seed) {
        Random random = new Random(seed);
        List<PreprocessedImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] pixels = new float[size * size];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = random.nextFloat();
            }
            images.add(new PreprocessedImage(pixels, size, LetterboxTransform.fit(size, size, size)));
        }
        return images;
    }
}
