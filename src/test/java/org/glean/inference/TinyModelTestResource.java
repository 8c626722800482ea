package org.glean.inference;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Installs {@link TinyModel} as the server's only model, at its low object threshold, with near
 * misses below it.
 */
public class TinyModelTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "glean.models.dir", TinyModel.modelsDir().toString(),
                "glean.inference.object-threshold", TinyModel.OBJECT_THRESHOLD,
                "glean.inference.candidate-threshold", TinyModel.CANDIDATE_THRESHOLD,
                "glean.inference.batch-size", "4");
    }

    @Override
    public void stop() {
    }
}
