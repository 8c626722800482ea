package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MdnLossTest {

    private static final int BATCH = 3;
    private static final int ANCHORS = 7;
    private static final int K = 2;
    private static final int CLASSES = 3;
    private static final int OUTPUTS = 3 * 4 * K + 2 * K * CLASSES + K;
    // three positives (one in image 0, two in image 1), so 9 of the batch's 18 background anchors
    // are mined, image 2 (no object) included
    private static final int[] TARGETS = {
        0, 2, 0, 0, 0, 0, 0,
        1, 0, 0, 2, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0};

    @TempDir
    Path temp;

    @Test
    void matchesAnIndependentPyTorchImplementation() throws Exception {
        Random random = new Random(20240611);
        float[] raw = uniform(random, BATCH * ANCHORS * OUTPUTS, 2.0);
        float[] offsets = uniform(random, BATCH * ANCHORS * 4, 1.5);
        float[] gamma = new float[BATCH * ANCHORS * K * CLASSES];
        for (int i = 0; i < gamma.length; i++) {
            gamma[i] = (float) random.nextGaussian();
        }
        List<List<String>> variants = List.of(List.of("VARIANCE", "TYPE_1"), List.of("VARIANCE", "TYPE_2"),
                List.of("REFERENCE", "TYPE_1"));
        JsonObject reference = runReference(Map.of("batch", BATCH, "anchors", ANCHORS, "components", K,
                "classes", CLASSES, "raw", raw, "offsets", offsets, "targets", TARGETS, "gamma", gamma,
                "variants", variants));

        for (List<String> variant : variants) {
            JsonObject expected = reference.getAsJsonObject(variant.get(0) + "/" + variant.get(1));
            MdnLoss loss = new MdnLoss(LocalizationDensity.valueOf(variant.get(0)),
                    ClassificationLossType.valueOf(variant.get(1)),
                    (manager, shape) -> manager.create(gamma, shape));
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Detector.ENGINE)) {
                NDArray rawArray = manager.create(raw, new Shape(BATCH, ANCHORS, OUTPUTS));
                rawArray.setRequiresGradient(true);
                NDList labels = new NDList(manager.create(offsets, new Shape(BATCH, ANCHORS, 4)),
                        manager.create(TARGETS, new Shape(BATCH, ANCHORS)));
                MdnLoss.Terms terms;
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    terms = loss.terms(labels, MdnHead.activate(rawArray, K, CLASSES));
                    collector.backward(terms.total());
                }
                String name = String.join("/", variant);
                assertThat(terms.positives()).isEqualTo(3);
                assertThat((double) terms.total().getFloat()).as(name + " total")
                        .isCloseTo(expected.get("total").getAsDouble(), within(1e-4));
                assertThat((double) terms.localization().getFloat()).as(name + " localization")
                        .isCloseTo(expected.get("localization").getAsDouble(), within(1e-4));
                assertThat((double) terms.classification().getFloat()).as(name + " classification")
                        .isCloseTo(expected.get("classification").getAsDouble(), within(1e-4));
                float[] gradient = rawArray.getGradient().toFloatArray();
                double[] expectedGradient = new Gson().fromJson(expected.get("gradient"), double[].class);
                assertThat(gradient).hasSize(expectedGradient.length);
                for (int i = 0; i < gradient.length; i++) {
                    assertThat((double) gradient[i]).as(name + " gradient " + i)
                            .isCloseTo(expectedGradient[i], within(1e-4));
                }
            }
        }
    }

    @Test
    void oneComponentLossWorkedOutByHand() {
        // K = 1, one positive anchor, all raw outputs 0 and targets ĝ = 0:
        // Σ = sigmoid(0) = 1/2, so N(0; 0, 1/2) = 1/sqrt(π) per coordinate → L_loc = 4 · ln sqrt(π) = 2 ln π;
        // logits 0 with γ = 0 → cross-entropy ln 3; one anchor, nothing to mine; N = 1.
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Detector.ENGINE)) {
            int outputs = 3 * 4 + 2 * CLASSES + 1;
            NDList predictions = MdnHead.activate(manager.zeros(new Shape(1, 1, outputs)), 1, CLASSES);
            NDList labels = new NDList(manager.zeros(new Shape(1, 1, 4)), manager.create(new int[] {2}, new Shape(1, 1)));
            MdnLoss loss = new MdnLoss(LocalizationDensity.VARIANCE, ClassificationLossType.TYPE_1,
                    (m, shape) -> m.zeros(shape));
            MdnLoss.Terms terms = loss.terms(labels, predictions);
            assertThat((double) terms.localization().getFloat()).isCloseTo(2 * Math.log(Math.PI), within(1e-5));
            assertThat((double) terms.classification().getFloat()).isCloseTo(Math.log(3), within(1e-6));
            assertThat((double) terms.total().getFloat()).isCloseTo(2 * Math.log(Math.PI) + Math.log(3), within(1e-5));
        }
    }

    @Test
    void isZeroWithoutPositivesYetStillDifferentiable() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Detector.ENGINE)) {
            NDArray raw = manager.randomUniform(-1, 1, new Shape(2, ANCHORS, OUTPUTS));
            raw.setRequiresGradient(true);
            NDList labels = new NDList(manager.zeros(new Shape(2, ANCHORS, 4)),
                    manager.zeros(new Shape(2, ANCHORS), ai.djl.ndarray.types.DataType.INT32));
            MdnLoss.Terms terms;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                terms = MdnLoss.standard().terms(labels, MdnHead.activate(raw, K, CLASSES));
                collector.backward(terms.total());
            }
            assertThat(terms.positives()).isZero();
            assertThat(terms.total().getFloat()).isZero();
            assertThat(raw.getGradient().abs().sum().getFloat()).isZero();
        }
    }

    private JsonObject runReference(Map<String, Object> input) throws IOException, InterruptedException, URISyntaxException {
        Path in = temp.resolve("loss-input.json");
        Files.writeString(in, new Gson().toJson(input), StandardCharsets.UTF_8);
        Path script = Path.of(MdnLossTest.class.getResource("mdn_loss_reference.py").toURI());
        Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), in.toString())
                .redirectError(temp.resolve("python-stderr.txt").toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        assertThat(process.exitValue()).as("python3 (needs Debian's python3-torch) failed: %s",
                Files.readString(temp.resolve("python-stderr.txt"))).isZero();
        return new Gson().fromJson(out, JsonObject.class);
    }

    private static float[] uniform(Random random, int n, double half) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * half);
        }
        return values;
    }
}
