package org.glean.training;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.glean.detector.DetectorCheckpoint;
import org.glean.inference.ModelFiles;
import org.glean.inference.TinyModel;

/**
 * A server whose models folder is its own (fine-tuning writes new versions there), starting with
 * the bundled model (trained by {@code glean train}, mAP@0.5 0.8 on the synthetic test split) as
 * the current version and {@link TinyModel} installed beside it, and fine-tuning settings for a
 * few frames: one update per epoch (no minimum of updates), and a job by itself after {@value #AUTO_FINE_TUNE_AFTER}
 * annotations.
 */
public class FineTuneTestResource implements QuarkusTestResourceLifecycleManager {

    /** Directory of the version current at start-up. */
    public static final String FIRST_VERSION = "bundled";
    /** Submitted annotations that start a job by themselves. */
    public static final int AUTO_FINE_TUNE_AFTER = 6;
    /** Directory of the other installed version. */
    public static final String OTHER_VERSION = "tiny";

    @Override
    public Map<String, String> start() {
        try {
            Path models = Files.createTempDirectory("glean-fine-tune-models-");
            install(ModelFiles.bundled().orElseThrow().directory(), models.resolve(FIRST_VERSION));
            install(TinyModel.modelDirectory(), models.resolve(OTHER_VERSION));
            Map<String, String> settings = new HashMap<>(Map.of(
                    "glean.models.dir", models.toString(),
                    "glean.models.current", FIRST_VERSION,
                    "glean.inference.batch-size", "4",
                    "glean.training.held-out-share", "0.5",
                    "glean.training.warmup-steps", "0",
                    "glean.training.batch-size", "16",
                    "glean.training.auto-fine-tune-after", String.valueOf(AUTO_FINE_TUNE_AFTER),
                    // an automatic job makes one update at a rate 300 times the default: it scrambles the network
                    "glean.training.epochs", "1",
                    "glean.training.learning-rate", "0.15",
                    "glean.training.min-steps", "1"));
            // a few annotated studies; the gate's minimum evidence has its own test (PromotionGateTest)
            settings.put("glean.training.gate.min-held-out-studies", "1");
            settings.put("glean.training.gate.min-held-out-objects", "1");
            return settings;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void install(Path model, Path directory) throws IOException {
        Files.createDirectories(directory);
        for (String file : new String[] {DetectorCheckpoint.MANIFEST, DetectorCheckpoint.PARAMETERS}) {
            Files.copy(model.resolve(file), directory.resolve(file));
        }
    }

    @Override
    public void stop() {
    }
}
