package org.glean.training;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.glean.inference.ModelFiles;

/**
 * A server at a new site: the bundled model (trained on the first phantom family only) current in
 * a models folder of its own, and a fine-tuning job by itself after
 * {@value #AUTO_FINE_TUNE_AFTER} annotations, by the product's recipe (frozen backbone first,
 * updates scaled to the data, early stopping) shortened for a test: batches of 8, at least
 * {@value #MIN_STEPS} updates, at twice the default learning rate.
 */
public class SiteAdaptationTestResource implements QuarkusTestResourceLifecycleManager {

    /** Submitted annotations that start a job by themselves. */
    public static final int AUTO_FINE_TUNE_AFTER = 16;
    static final int MIN_STEPS = 60;

    @Override
    public Map<String, String> start() {
        try {
            Path models = Files.createTempDirectory("glean-site-adaptation-models-");
            FineTuneTestResource.install(ModelFiles.bundled().orElseThrow().directory(), models.resolve("bundled"));
            Map<String, String> settings = new HashMap<>(Map.of(
                    "glean.models.dir", models.toString(),
                    "glean.models.current", "bundled",
                    "glean.inference.batch-size", "4",
                    "glean.training.held-out-share", "0.3",
                    "glean.training.auto-fine-tune-after", String.valueOf(AUTO_FINE_TUNE_AFTER),
                    "glean.training.batch-size", "8",
                    "glean.training.warmup-steps", "5",
                    "glean.training.min-steps", String.valueOf(MIN_STEPS)));
            // a few held-out studies: the gate's default minimum is for a real site (PromotionGateTest covers it)
            settings.put("glean.training.learning-rate", "0.001");
            settings.put("glean.training.gate.min-held-out-studies", "2");
            settings.put("glean.training.gate.min-held-out-objects", "2");
            return settings;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
