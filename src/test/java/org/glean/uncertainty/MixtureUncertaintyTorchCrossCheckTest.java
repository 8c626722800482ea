package org.glean.uncertainty;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Cross-checks method.md §4 against an independent torch implementation
 * (src/test/resources/org/glean/uncertainty/mixture_uncertainty_torch.py) on random mixtures.
 * Needs Debian's python3-torch (in the Makefile's APT_PACKAGES); fails, never skips, without it.
 * The interpreter is /usr/bin/python3 unless the system property glean.python3 names another.
 */
class MixtureUncertaintyTorchCrossCheckTest {

    private static final int MIXTURES = 300;
    private static final double RELATIVE_TOLERANCE = 1e-9;
    private static final double ABSOLUTE_FLOOR = 1e-15;

    private record Case(LocalizationMixture localization, ClassificationMixture classification, int detectedClass) {
    }

    @Test
    void javaAgreesWithTorchOnRandomMixtures(@TempDir Path work) throws Exception {
        List<Case> cases = randomCases(new Random(20240611L));
        Path input = work.resolve("mixtures.json");
        Path output = work.resolve("uncertainties.json");
        Files.writeString(input, toJson(cases), StandardCharsets.UTF_8);

        runTorch(input, output);

        JsonArray results = JsonParser.parseString(Files.readString(output, StandardCharsets.UTF_8))
                .getAsJsonObject().getAsJsonArray("results");
        assertThat(results.size()).isEqualTo(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            JsonObject expected = results.get(i).getAsJsonObject();
            String where = "mixture " + i;
            MixtureUncertainty[] perCoordinate = c.localization().uncertaintyPerCoordinate();
            assertAgree(epistemic(perCoordinate), expected.getAsJsonArray("locEpistemic"), where + " loc epistemic");
            assertAgree(aleatoric(perCoordinate), expected.getAsJsonArray("locAleatoric"), where + " loc aleatoric");
            MixtureUncertainty[] perClass = c.classification().uncertaintyPerClass();
            assertAgree(epistemic(perClass), expected.getAsJsonArray("clsEpistemic"), where + " cls epistemic");
            assertAgree(aleatoric(perClass), expected.getAsJsonArray("clsAleatoric"), where + " cls aleatoric");
            assertAgree(values(ObjectUncertainty.of(c.localization(), c.classification(),
                            ClassUncertaintyMode.MAX_OVER_CLASSES, c.detectedClass())),
                    expected.getAsJsonArray("objectMaxOverClasses"), where + " object, max over classes");
            assertAgree(values(ObjectUncertainty.of(c.localization(), c.classification(),
                            ClassUncertaintyMode.DETECTED_CLASS, c.detectedClass())),
                    expected.getAsJsonArray("objectDetectedClass"), where + " object, detected class");
        }
    }

    /** K in 1…6 and C+1 in 2…6; weights = softmax and variances = sigmoid of normal draws, as the detector's head. */
    private static List<Case> randomCases(Random random) {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < MIXTURES; i++) {
            int components = 1 + random.nextInt(6);
            int classes = 2 + random.nextInt(5);
            double[][] locWeights = new double[4][];
            double[][] locMeans = new double[4][];
            double[][] locVariances = new double[4][];
            for (int b = 0; b < 4; b++) {
                locWeights[b] = ClassificationMixture.softmax(normals(random, components, 2));
                locMeans[b] = normals(random, components, 2);
                locVariances[b] = sigmoid(normals(random, components, 2));
            }
            double[][] logits = new double[components][];
            double[][] clsVariances = new double[components][];
            for (int k = 0; k < components; k++) {
                logits[k] = normals(random, classes, 3);
                clsVariances[k] = sigmoid(normals(random, classes, 2));
            }
            cases.add(new Case(new LocalizationMixture(locWeights, locMeans, locVariances),
                    new ClassificationMixture(ClassificationMixture.softmax(normals(random, components, 2)), logits, clsVariances),
                    1 + random.nextInt(classes - 1)));
        }
        return cases;
    }

    private static void runTorch(Path input, Path output) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(MixtureUncertaintyTorchCrossCheckTest.class
                .getResource("mixture_uncertainty_torch.py").toURI());
        String python = System.getProperty("glean.python3", "/usr/bin/python3");
        Process process;
        try {
            process = new ProcessBuilder(python, script.toString(), input.toString(), output.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + python + " (install Debian's python3-torch: make apt-deps)", e);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("torch reference did not finish within 120 s");
        }
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as("torch reference failed (needs Debian's python3-torch: make apt-deps):%n%s", log)
                .isZero();
    }

    private static String toJson(List<Case> cases) {
        List<Map<String, Object>> mixtures = new ArrayList<>();
        for (Case c : cases) {
            Map<String, Object> mixture = new LinkedHashMap<>();
            mixture.put("loc", Map.of("weights", c.localization().weights(), "means", c.localization().means(),
                    "variances", c.localization().variances()));
            mixture.put("cls", Map.of("weights", c.classification().weights(), "logits", c.classification().logits(),
                    "variances", c.classification().variances()));
            mixture.put("detectedClass", c.detectedClass());
            mixtures.add(mixture);
        }
        return new Gson().toJson(Map.of("mixtures", mixtures));
    }

    private static void assertAgree(double[] actual, JsonArray expected, String what) {
        assertThat(actual).as(what).hasSize(expected.size());
        for (int i = 0; i < actual.length; i++) {
            double reference = expected.get(i).getAsDouble();
            double tolerance = RELATIVE_TOLERANCE * Math.max(Math.abs(actual[i]), Math.abs(reference)) + ABSOLUTE_FLOOR;
            assertThat(Math.abs(actual[i] - reference)).as("%s[%d]: java %s, torch %s", what, i, actual[i], reference)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    private static double[] normals(Random random, int n, double scale) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = scale * random.nextGaussian();
        }
        return values;
    }

    private static double[] sigmoid(double[] raw) {
        double[] values = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            values[i] = 1 / (1 + Math.exp(-raw[i]));
        }
        return values;
    }

    private static double[] epistemic(MixtureUncertainty[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i].epistemic();
        }
        return result;
    }

    private static double[] aleatoric(MixtureUncertainty[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i].aleatoric();
        }
        return result;
    }

    private static double[] values(ObjectUncertainty object) {
        return new double[] {object.epistemicLocalization(), object.aleatoricLocalization(),
                object.epistemicClassification(), object.aleatoricClassification()};
    }
}
