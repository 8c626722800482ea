package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.glean.uncertainty.UncertaintyStatistics;
import org.junit.jupiter.api.Test;

/** The bundled model says what it was trained on and how, and carries the statistics the server scores with. */
class BundledModelManifestTest {

    private static final Path BUNDLED_MODEL = Path.of("src/main/resources/model");

    @Test
    void namesItsTrainingDataWithObjectsOfEveryClass() throws IOException {
        ModelManifest manifest = DetectorCheckpoint.readManifest(BUNDLED_MODEL);

        TrainingDataSummary data = manifest.trainingData();
        assertThat(data.source()).isNotBlank();
        assertThat(data.images()).isPositive();
        assertThat(data.objectsPerClass().keySet()).containsExactlyInAnyOrderElementsOf(manifest.network().classes());
        assertThat(data.objectsPerClass().values()).allSatisfy(count -> assertThat(count).isPositive());
    }

    @Test
    void namesTheAugmentationItWasTrainedWith() throws IOException {
        TrainingSettings training = DetectorCheckpoint.readManifest(BUNDLED_MODEL).training();

        assertThat(training.augmentation()).isEqualTo(Augmentation.MIRROR);
    }

    @Test
    void carriesStatisticsOverItsObjectsAndNearMisses() throws IOException {
        UncertaintyStatistics statistics = UncertaintyStatistics.fromJson(
                DetectorCheckpoint.readManifest(BUNDLED_MODEL).normalisationStatistics().toString());

        // fitted over its validation split's detections from the candidate threshold 0.1 (docs/model-card.md)
        assertThat(statistics.objectCount()).isEqualTo(280);
    }
}
