package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorCheckpointTest {

    @TempDir
    Path temp;

    @Test
    void loadsBackAModelThatGivesIdenticalOutputs() throws IOException {
        TrainingBatch batch = SyntheticDiscs.batch(64, 3, List.of(
                List.of(new SyntheticDiscs.Disc(20, 20, 5, 1)), List.of(new SyntheticDiscs.Disc(40, 30, 9, 2))));
        Path directory = temp.resolve("model-1");
        JsonObject statistics = new JsonObject();
        statistics.addProperty("objectCount", 42);
        TrainingDataSummary data = new TrainingDataSummary("two synthetic discs", 2, Map.of("nodule", 1, "mass", 1));
        TrainingSettings settings = TrainingSettings.defaults();
        float[] before;
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            // a few updates move BatchNorm's running statistics away from their initial values
            try (DetectorTrainer trainer = new DetectorTrainer(detector, settings)) {
                for (int i = 0; i < 3; i++) {
                    trainer.step(batch);
                }
            }
            before = outputs(detector, batch.images());
            ModelManifest manifest = ModelManifest.describe(detector.config(), detector.preprocessing())
                    .withTraining(data, settings).withNormalisationStatistics(statistics);
            DetectorCheckpoint.save(directory, detector, manifest);
        }
        assertThat(directory.resolve(DetectorCheckpoint.MANIFEST)).isRegularFile();
        assertThat(directory.resolve(DetectorCheckpoint.PARAMETERS)).isRegularFile();
        assertThat(temp).isDirectoryNotContaining(p -> p.getFileName().toString().contains("partial"));

        try (DetectorCheckpoint loaded = DetectorCheckpoint.load(directory)) {
            ModelManifest manifest = loaded.manifest();
            assertThat(manifest.network()).isEqualTo(TinyNetworks.config());
            assertThat(manifest.preprocessing()).isEqualTo(TinyNetworks.preprocessing());
            assertThat(manifest.normalisationStatistics()).isEqualTo(statistics);
            assertThat(manifest.trainingData()).isEqualTo(data);
            assertThat(manifest.training()).isEqualTo(settings);
            assertThat(manifest.gitCommit()).isNotBlank();
            assertThat(outputs(loaded.detector(), batch.images())).containsExactly(before);
        }
    }

    @Test
    void aModelGainingAFeaturePyramidFirstComputesWhatItDidAndThenLearnsThroughIt() throws IOException {
        TrainingBatch batch = SyntheticDiscs.batch(64, 5, List.of(
                List.of(new SyntheticDiscs.Disc(20, 20, 5, 1)), List.of(new SyntheticDiscs.Disc(40, 30, 9, 2))));
        Path plain = temp.resolve("plain");
        float[] before;
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            try (DetectorTrainer trainer = new DetectorTrainer(detector, TrainingSettings.defaults())) {
                trainer.step(batch);
                trainer.step(batch);
            }
            before = outputs(detector, batch.images());
            DetectorCheckpoint.save(plain, detector, ModelManifest.describe(detector.config(), detector.preprocessing()));
        }
        Path widened = temp.resolve("widened");
        float[] trained;
        try (DetectorCheckpoint loaded = DetectorCheckpoint.loadAddingFeaturePyramid(plain)) {
            assertThat(loaded.manifest().network()).isEqualTo(TinyNetworks.config().withFeaturePyramid(true));
            assertThat(outputs(loaded.detector(), batch.images())).containsExactly(before);
            try (DetectorTrainer trainer = new DetectorTrainer(loaded.detector(), TrainingSettings.defaults())) {
                trainer.step(batch);
            }
            assertThat(loaded.detector().network().getParameters().stream()
                    .filter(p -> Backbone.isTopDownParameter(p.getKey()))
                    .map(p -> p.getValue().getArray().abs().sum().getFloat()))
                    .hasSize(2).allMatch(sum -> sum > 0);
            trained = outputs(loaded.detector(), batch.images());
            DetectorCheckpoint.save(widened, loaded.detector(), loaded.manifest());
        }
        try (DetectorCheckpoint reloaded = DetectorCheckpoint.load(widened)) {
            assertThat(reloaded.manifest().network().featurePyramid()).isTrue();
            assertThat(outputs(reloaded.detector(), batch.images())).containsExactly(trained);
        }
    }

    @Test
    void readsAManifestWrittenBeforeFeaturePyramidsAsANetworkWithoutOne() throws IOException {
        Path directory = temp.resolve("older");
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            DetectorCheckpoint.save(directory, detector, ModelManifest.describe(detector.config(), detector.preprocessing()));
        }
        Path manifest = directory.resolve(DetectorCheckpoint.MANIFEST);
        String written = Files.readString(manifest);
        assertThat(written).contains("\"featurePyramid\": false");
        Files.writeString(manifest, written.replaceAll(",\\s*\"featurePyramid\": false", ""));
        assertThat(Files.readString(manifest)).doesNotContain("featurePyramid");
        try (DetectorCheckpoint loaded = DetectorCheckpoint.load(directory)) {
            assertThat(loaded.manifest().network()).isEqualTo(TinyNetworks.config());
        }
    }

    @Test
    void replacesTheManifestToRecordNewStatistics() throws IOException {
        Path directory = temp.resolve("model-2");
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            DetectorCheckpoint.save(directory, detector, ModelManifest.describe(detector.config(), detector.preprocessing()));
        }
        assertThat(DetectorCheckpoint.readManifest(directory).normalisationStatistics()).isNull();
        JsonObject statistics = new JsonObject();
        statistics.addProperty("objectCount", 7);
        ModelManifest updated = DetectorCheckpoint.readManifest(directory).withNormalisationStatistics(statistics);
        DetectorCheckpoint.writeManifest(directory, updated);
        assertThat(DetectorCheckpoint.readManifest(directory).normalisationStatistics()).isEqualTo(statistics);
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(DetectorCheckpoint.MANIFEST, DetectorCheckpoint.PARAMETERS);
        }
    }

    @Test
    void neverOverwritesAModel() throws IOException {
        Path directory = temp.resolve("model-3");
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            ModelManifest manifest = ModelManifest.describe(detector.config(), detector.preprocessing());
            DetectorCheckpoint.save(directory, detector, manifest);
            assertThatThrownBy(() -> DetectorCheckpoint.save(directory, detector, manifest))
                    .isInstanceOf(IOException.class).hasMessageContaining("will not overwrite");
        }
    }

    @Test
    void refusesParametersOfAnotherNetwork() throws IOException {
        Path directory = temp.resolve("model-4");
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            DetectorCheckpoint.save(directory, detector, ModelManifest.describe(detector.config(), detector.preprocessing()));
        }
        // the manifest now claims three components where the parameters hold two
        DetectorConfig other = DetectorConfig.of(64, List.of(16, 16, 16, 16), 2, List.of(16), TinyNetworks.CLASSES, 3);
        Files.delete(directory.resolve(DetectorCheckpoint.MANIFEST));
        Path staging = temp.resolve("other");
        try (Detector detector = Detector.create(other, TinyNetworks.preprocessing())) {
            DetectorCheckpoint.save(staging, detector, ModelManifest.describe(other, detector.preprocessing()));
        }
        Files.copy(staging.resolve(DetectorCheckpoint.MANIFEST), directory.resolve(DetectorCheckpoint.MANIFEST));
        assertThatThrownBy(() -> DetectorCheckpoint.load(directory))
                .isInstanceOf(IOException.class).hasMessageContaining("do not fit the network");
    }

    @Test
    void explainsAMissingManifest() {
        assertThatThrownBy(() -> DetectorCheckpoint.load(temp))
                .isInstanceOf(IOException.class).hasMessageContaining("manifest.json is missing");
    }

    private static float[] outputs(Detector detector, List<PreprocessedImage> images) {
        try (NDManager manager = detector.model().getNDManager().newSubManager()) {
            return ReferenceDecoding.trainingLayout(detector, manager, images).toFloatArray();
        }
    }
}
