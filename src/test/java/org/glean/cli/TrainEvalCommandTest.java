package org.glean.cli;

import static org.glean.cli.GleanRun.glean;

import org.glean.cli.GleanRun.Output;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.glean.coco.CocoFile;
import org.glean.detector.ClassificationLossType;
import org.glean.detector.DecoderSettings;
import org.glean.detector.DetectionUncertainty;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.LocalizationDensity;
import org.glean.detector.ModelManifest;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.training.DetectorEvaluation;
import org.glean.training.PreprocessedDataset;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.UncertaintyStatistics;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glean train} and {@code glean eval} as a user runs them, on a tiny synthetic set and a tiny network. */
class TrainEvalCommandTest {

    private static final String[] TINY_NETWORK = {"--input-size", "64", "--backbone-channels", "16,16,16,16",
        "--extra-channels", "16", "-K", "2", "--threads", "1"};

    @TempDir
    static Path dir;

    static Path data;
    static Path model;

    @BeforeAll
    static void synthesiseAndTrain() {
        data = dir.resolve("data");
        Output synth = glean("synth", "--out", data.toString(), "--seed", "5", "--studies", "3", "--slices", "4",
                "--size", "64", "--normal-fraction", "0", "--objects", "2:3");
        assertThat(synth.exitCode()).as(synth.err()).isZero();
        Output train = train(dir.resolve("run"));
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.err()).contains("epoch 3/3 done", "images/s", "val mAP@0.5");
        model = dir.resolve("run/model");
    }

    private static Output train(Path out) {
        return glean(concat(new String[] {"train", "--data", data.toString(), "--val-data", data.toString(),
            "--out", out.toString(), "--epochs", "3", "--batch-size", "4", "--warmup-steps", "2"}, TINY_NETWORK));
    }

    @Test
    void trainingAgainWithTheSameSeedWritesTheSameParameters() throws Exception {
        Output again = train(dir.resolve("run-again"));

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("run-again/model").resolve(DetectorCheckpoint.PARAMETERS)))
                .isEqualTo(Files.readAllBytes(model.resolve(DetectorCheckpoint.PARAMETERS)));
    }

    @Test
    void trainWritesAModelThatLoadsBackWithItsManifest() throws Exception {
        CocoFile coco = CocoFile.read(data.resolve("coco.json"));
        try (DetectorCheckpoint checkpoint = DetectorCheckpoint.load(model)) {
            ModelManifest manifest = checkpoint.manifest();
            assertThat(manifest.network().components()).isEqualTo(2);
            assertThat(manifest.network().inputSize()).isEqualTo(64);
            assertThat(manifest.network().classes()).containsExactly("nodule", "mass", "calcification");
            assertThat(manifest.preprocessing().inputSize()).isEqualTo(64);
            assertThat(manifest.trainingData().images()).isEqualTo(coco.images().size());
            Map<String, Integer> objects = manifest.trainingData().objectsPerClass();
            for (CocoFile.Category category : coco.categories()) {
                long boxes = coco.annotations().stream().filter(a -> a.categoryId() == category.id()).count();
                assertThat(objects.get(category.name())).as(category.name()).isEqualTo((int) boxes);
            }
            assertThat(manifest.training().learningRate()).isEqualTo(0.001);
            assertThat(manifest.training().classification()).isEqualTo(ClassificationLossType.TYPE_1);
            assertThat(manifest.training().density()).isEqualTo(LocalizationDensity.VARIANCE);
            assertThat(manifest.gitCommit()).isNotBlank();
        }
        assertThat(Files.list(dir.resolve("run")).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("model", "epoch-003");
    }

    @Test
    void evalPrintsAnAveragePrecisionInZeroToOneForEveryClassAndTheirMean() {
        Output eval = glean("eval", "--model", model.toString(), "--data", data.toString(), "--threads", "1");

        assertThat(eval.exitCode()).as(eval.err()).isZero();
        Matcher row = Pattern.compile("(?m)^(nodule|mass|calcification|mAP@0\\.5)\\s.*\\s(\\S+)$").matcher(eval.out());
        int rows = 0;
        while (row.find()) {
            assertThat(Double.parseDouble(row.group(2))).as(row.group()).isBetween(0.0, 1.0);
            rows++;
        }
        assertThat(rows).as(eval.out()).isEqualTo(4);
    }

    @Test
    void evalPrintsTheMeanAveragePrecisionOfEachModalityWithItsObjects() throws Exception {
        Output eval = glean("eval", "--model", model.toString(), "--data", data.toString(), "--threads", "1");

        assertThat(eval.exitCode()).as(eval.err()).isZero();
        CocoFile labels = CocoFile.read(data.resolve("coco.json"));
        Map<String, Long> objectsPerModality = labels.annotations().stream().collect(Collectors.groupingBy(
                a -> labels.images().stream().filter(i -> i.id() == a.imageId()).findFirst().orElseThrow().modality(),
                Collectors.counting()));
        Matcher row = Pattern.compile("(?m)^(CT|DX)\\s+(\\d+)\\s+\\d+\\s+\\d+\\s+(\\S+)$").matcher(eval.out());
        Map<String, Long> printed = new HashMap<>();
        while (row.find()) {
            assertThat(Double.parseDouble(row.group(3))).as(row.group()).isBetween(0.0, 1.0);
            printed.put(row.group(1), Long.parseLong(row.group(2)));
        }
        assertThat(printed).as(eval.out()).isEqualTo(objectsPerModality);
    }

    @Test
    void benchModelTimesEveryVariantAndReportsTheRatios() {
        Output bench = glean("bench-model", "--model", model.toString(), "--batch-sizes", "1,2", "--mc-passes", "2",
                "--warmup", "0", "--measurements", "1", "--threads", "1");

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        Matcher row = Pattern.compile("(?m)^\\| ([^|]+) \\| (\\d+) \\| ([\\d.]+) \\| ([\\d.]+) \\|$").matcher(bench.out());
        int rows = 0;
        while (row.find()) {
            assertThat(Double.parseDouble(row.group(3))).as(row.group()).isPositive();
            rows++;
        }
        assertThat(rows).as(bench.out()).isEqualTo(2 * 5);
        assertThat(bench.out()).contains("MC-dropout forward, T=2", "MDN detect (end to end)",
                "batch 1: forward MDN / plain = ", "batch 2: forward MDN / plain = ");
    }

    @Test
    void trainRefusesAMissingFolderWithAClearError() {
        Output train = glean(concat(new String[] {"train", "--data", dir.resolve("nowhere").toString(),
            "--out", dir.resolve("missing-run").toString()}, TINY_NETWORK));

        assertThat(train.exitCode()).isNotZero();
        assertThat(train.err()).contains("nowhere");
        assertThat(dir.resolve("missing-run/model")).doesNotExist();
    }

    @Test
    void trainRefusesAnnotationsOfAnUndeclaredCategory() throws Exception {
        Path labels = rewriteCoco("undeclared.json", coco -> coco.getAsJsonArray("annotations").get(0)
                .getAsJsonObject().addProperty("category_id", 9));

        Output train = glean(concat(new String[] {"train", "--data", data.toString(), "--coco", labels.toString(),
            "--out", dir.resolve("undeclared-run").toString()}, TINY_NETWORK));

        assertThat(train.exitCode()).isNotZero();
        assertThat(train.err()).contains("9");
        assertThat(dir.resolve("undeclared-run/model")).doesNotExist();
    }

    @Test
    void evalRefusesAClassTheModelDoesNotKnow() throws Exception {
        Path labels = rewriteCoco("unknown-class.json", coco -> {
            JsonArray categories = coco.getAsJsonArray("categories");
            categories.get(categories.size() - 1).getAsJsonObject().addProperty("name", "pneumothorax");
        });

        Output eval = glean("eval", "--model", model.toString(), "--data", data.toString(), "--coco", labels.toString());

        assertThat(eval.exitCode()).isNotZero();
        assertThat(eval.err()).contains("pneumothorax", "not classes of the model");
        assertThat(eval.out()).doesNotContain("mAP@0.5");
    }

    @Test
    void trainFromAModelKeepsItsNetworkAndChangesItsParametersWithTheLossVariantsAsked() throws Exception {
        Path run = dir.resolve("continued");
        Output train = glean("train", "--from", model.toString(), "--data", data.toString(), "--out", run.toString(),
                "--epochs", "1", "--batch-size", "4", "--warmup-steps", "0", "--threads", "1",
                "--classification-loss", "TYPE_2", "--localization-density", "REFERENCE");

        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.err()).contains("starting from " + model);
        try (DetectorCheckpoint original = DetectorCheckpoint.load(model);
             DetectorCheckpoint continued = DetectorCheckpoint.load(run.resolve("model"))) {
            assertThat(continued.manifest().network()).isEqualTo(original.manifest().network());
            assertThat(continued.manifest().preprocessing()).isEqualTo(original.manifest().preprocessing());
            assertThat(continued.manifest().training().classification()).isEqualTo(ClassificationLossType.TYPE_2);
            assertThat(continued.manifest().training().density()).isEqualTo(LocalizationDensity.REFERENCE);
        }
        assertThat(Files.readAllBytes(run.resolve("model").resolve(DetectorCheckpoint.PARAMETERS)))
                .isNotEqualTo(Files.readAllBytes(model.resolve(DetectorCheckpoint.PARAMETERS)));

        Output unknownLoss = glean("train", "--from", model.toString(), "--data", data.toString(), "--out",
                dir.resolve("unknown-loss").toString(), "--classification-loss", "TYPE_3");
        assertThat(unknownLoss.exitCode()).isNotZero();
        assertThat(unknownLoss.err()).contains("--classification-loss", "TYPE_1, TYPE_2");
    }

    @Test
    void aThresholdOutsideZeroToOneIsAUsageErrorBeforeAnyWork() throws Exception {
        Output train = glean("train", "--data", dir.resolve("nowhere").toString(), "--out",
                dir.resolve("bad-threshold").toString(), "--candidate-threshold", "1.5");
        Output validate = glean("validate-uncertainty", "--model", dir.resolve("nowhere").toString(),
                "--shift-probe", dir.resolve("nowhere").toString(), "--object-threshold", "-0.1");

        assertThat(train.exitCode()).isEqualTo(2);
        assertThat(train.err()).contains("thresholds must lie in [0, 1]", "1.5");
        assertThat(Files.exists(dir.resolve("bad-threshold"))).isFalse();
        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).contains("thresholds must lie in [0, 1]", "-0.1");
    }

    @Test
    void validateUncertaintyReportsBothUncertaintiesOnNoiseAndShiftProbes() throws Exception {
        Path probe = dir.resolve("probe");
        Output synth = glean("synth", "--out", probe.toString(), "--seed", "8", "--studies", "6", "--slices", "3",
                "--size", "64", "--normal-fraction", "0", "--objects", "2:3", "--noise", "5:80",
                "--shift-probability", "0.5");
        assertThat(synth.exitCode()).as(synth.err()).isZero();
        Path calibrated = withStatisticsAtLowThreshold(probe);

        Output validate = glean("validate-uncertainty", "--model", calibrated.toString(), "--noise-probe", probe.toString(),
                "--shift-probe", probe.toString(), "--object-threshold", "0.001", "--threads", "1");

        assertThat(validate.exitCode()).as(validate.err()).isZero();
        Matcher noise = Pattern.compile("\\| noise: Spearman ρ with noise level \\| (\\d+) \\| (\\d+) \\| \\**(-?[\\d.]+)\\** \\| (-?[\\d.]+) \\|")
                .matcher(validate.out());
        assertThat(noise.find()).as(validate.out()).isTrue();
        assertThat(Integer.parseInt(noise.group(1))).isPositive();
        assertThat(noise.group(2)).as("images without objects").isEqualTo("0");
        assertThat(Double.parseDouble(noise.group(3))).isBetween(-1.0, 1.0);
        assertThat(Double.parseDouble(noise.group(4))).isBetween(-1.0, 1.0);
        Matcher shift = Pattern.compile("\\| shift: AUROC shifted vs not \\| (\\d+) \\+ (\\d+) \\| \\d+ \\| ([\\d.]+) \\| \\*\\*([\\d.]+)\\*\\* \\|")
                .matcher(validate.out());
        assertThat(shift.find()).as(validate.out()).isTrue();
        CocoFile labels = CocoFile.read(probe.resolve("coco.json"));
        long withFindings = labels.images().stream()
                .filter(image -> labels.annotations().stream().anyMatch(a -> a.imageId() == image.id())).count();
        assertThat(Integer.parseInt(shift.group(1)) + Integer.parseInt(shift.group(2))).isEqualTo((int) withFindings);
        assertThat(Double.parseDouble(shift.group(3))).isBetween(0.0, 1.0);
        assertThat(Double.parseDouble(shift.group(4))).isBetween(0.0, 1.0);
        long studies = labels.images().stream().map(CocoFile.Image::study).distinct().count();
        Matcher studyShift = Pattern.compile("\\| shift per study [^|]*\\| (\\d+) \\+ (\\d+) studies \\|")
                .matcher(validate.out());
        assertThat(studyShift.find()).as(validate.out()).isTrue();
        assertThat(Integer.parseInt(studyShift.group(1)) + Integer.parseInt(studyShift.group(2))).isEqualTo((int) studies);
        Matcher error = Pattern.compile("\\| --shift-probe \\S+ \\| (\\d+) \\| \\*\\*(-?[\\d.]+|n/a)\\*\\* \\|")
                .matcher(validate.out());
        assertThat(error.find()).as(validate.out()).isTrue();
        assertThat(Integer.parseInt(error.group(1))).as("every study, those without a finding included").isEqualTo((int) studies);

        // A model saved without statistics gets them from --reference: here the same pool, so the same table
        Path bare = dir.resolve("bare-for-reference");
        copyModel(model, bare);
        DetectorCheckpoint.writeManifest(bare, DetectorCheckpoint.readManifest(model).withNormalisationStatistics(null));
        Output referenced = glean("validate-uncertainty", "--model", bare.toString(), "--reference", probe.toString(),
                "--noise-probe", probe.toString(), "--shift-probe", probe.toString(), "--object-threshold", "0.001",
                "--threads", "1");
        assertThat(referenced.exitCode()).as(referenced.err()).isZero();
        assertThat(referenced.out()).isEqualTo(validate.out());
    }

    @Test
    void validateUncertaintyRefusesAModelWithoutStatisticsAndACallWithoutProbe() throws Exception {
        Path bare = dir.resolve("bare-model");
        copyModel(model, bare);
        DetectorCheckpoint.writeManifest(bare, DetectorCheckpoint.readManifest(model).withNormalisationStatistics(null));

        Output noStatistics = glean("validate-uncertainty", "--model", bare.toString(), "--noise-probe", data.toString());
        assertThat(noStatistics.exitCode()).isNotZero();
        assertThat(noStatistics.err()).contains("no normalisation statistics");

        Output noProbe = glean("validate-uncertainty", "--model", model.toString());
        assertThat(noProbe.exitCode()).isNotZero();
        assertThat(noProbe.err()).contains("give --noise-probe, --shift-probe, --noise-levels or several");

        Output twoLevels = glean("validate-uncertainty", "--model", model.toString(), "--noise-levels",
                data + "," + data);
        assertThat(twoLevels.exitCode()).isNotZero();
        assertThat(twoLevels.err()).contains("--noise-levels needs at least 3 folders, got 2");
    }

    @Test
    void validateUncertaintyFollowsTheBundledModelsObjectsAcrossNoiseLevelsOfTheSameScenes() throws Exception {
        List<String> levels = new ArrayList<>();
        for (String level : new String[] {"0", "60", "120"}) {
            Path rendering = dir.resolve("levels-" + level);
            Output synth = glean("synth", "--out", rendering.toString(), "--seed", "3", "--studies", "2", "--slices", "3",
                    "--normal-fraction", "0", "--objects", "2:3", "--noise", level + ":" + level);
            assertThat(synth.exitCode()).as(synth.err()).isZero();
            levels.add(rendering.toString());
        }

        Output validate = glean("validate-uncertainty", "--model", "src/main/resources/model", "--noise-levels",
                String.join(",", levels), "--threads", "1");

        assertThat(validate.exitCode()).as(validate.err()).isZero();
        Matcher pooled = Pattern.compile("\\| the same scenes at 3 noise levels: Spearman ρ with noise level \\| (\\d+) \\| \\d+ \\| "
                + "\\*\\*(-?[\\d.]+)\\*\\* \\| (-?[\\d.]+) \\|").matcher(validate.out());
        assertThat(pooled.find()).as(validate.out()).isTrue();
        CocoFile labels = CocoFile.read(Path.of(levels.get(0)).resolve("coco.json"));
        long withFindings = labels.images().stream()
                .filter(image -> labels.annotations().stream().anyMatch(a -> a.imageId() == image.id())).count();
        assertThat(Integer.parseInt(pooled.group(1))).as("images with a finding, all renderings").isEqualTo(3 * (int) withFindings);
        Matcher pairs = Pattern.compile("\\| the same scenes, two noise levels: [^|]*\\| (\\d+) pairs \\| \\d+ pairs with no "
                + "object in either \\| \\*\\*([\\d.]+|n/a)\\*\\* \\|").matcher(validate.out());
        assertThat(pairs.find()).as(validate.out()).isTrue();
        assertThat(Integer.parseInt(pairs.group(1))).as("3 pairs of levels per image with a finding").isEqualTo(3 * (int) withFindings);
        Matcher perObject = Pattern.compile("\\((\\d+) objects found at 3 or more levels\\).*\\n.*\\n.*\\n"
                + "\\| (-?[\\d.]+) \\| (-?[\\d.]+) \\| (-?[\\d.]+) \\| (-?[\\d.]+) \\|").matcher(validate.out());
        assertThat(perObject.find()).as(validate.out()).isTrue();
        assertThat(Integer.parseInt(perObject.group(1))).isPositive();
        for (int kind = 2; kind <= 5; kind++) {
            assertThat(Double.parseDouble(perObject.group(kind))).isBetween(-1.0, 1.0);
        }
    }

    /**
     * A copy of the model whose statistics come from every detection down to score 0.001 on
     * {@code pool}: a model this briefly trained still scores every class near its starting prior
     * (0.01 / C), so a lower threshold would find nothing.
     */
    private static Path withStatisticsAtLowThreshold(Path pool) throws Exception {
        Path calibrated = dir.resolve("calibrated-model");
        copyModel(model, calibrated);
        try (DetectorCheckpoint checkpoint = DetectorCheckpoint.load(model)) {
            PreprocessedDataset dataset = PreprocessedDataset.load(pool, pool.resolve("coco.json"), new PixelMedDicomReader(),
                    checkpoint.detector().preprocessing(), checkpoint.detector().config().classes(), loaded -> { });
            List<ObjectUncertainty> objects = DetectorEvaluation.detect(checkpoint.detector(), dataset,
                            DecoderSettings.DEFAULT.withScoreThreshold(0.001)).stream()
                    .flatMap(List::stream).map(DetectionUncertainty::of).toList();
            assertThat(objects).as("detections of the tiny model at score 0.001").isNotEmpty();
            JsonObject statistics = JsonParser.parseString(UncertaintyStatistics.fit(objects).toJson()).getAsJsonObject();
            DetectorCheckpoint.writeManifest(calibrated, checkpoint.manifest().withNormalisationStatistics(statistics));
        }
        return calibrated;
    }

    private static void copyModel(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        Files.copy(from.resolve(DetectorCheckpoint.MANIFEST), to.resolve(DetectorCheckpoint.MANIFEST));
        Files.copy(from.resolve(DetectorCheckpoint.PARAMETERS), to.resolve(DetectorCheckpoint.PARAMETERS));
    }

    private static Path rewriteCoco(String name, java.util.function.Consumer<JsonObject> change) throws Exception {
        JsonObject coco = JsonParser.parseString(Files.readString(data.resolve("coco.json"))).getAsJsonObject();
        change.accept(coco);
        Path file = dir.resolve(name);
        Files.writeString(file, coco.toString());
        return file;
    }

    private static String[] concat(String[] first, String[] second) {
        return java.util.stream.Stream.concat(List.of(first).stream(), List.of(second).stream()).toArray(String[]::new);
    }

}
