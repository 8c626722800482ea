package org.glean.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.glean.inference.ModelRegistry;

/**
 * Readiness: the model registry can say which model version is current. No model installed is
 * UP, with that said in its data: the server still stores studies (unscored) and serves
 * curation, so taking it out of service would lose studies a PACS sends. The check is DOWN only
 * when the registry cannot be read.
 */
@Readiness
@ApplicationScoped
public class ModelHealthCheck implements HealthCheck {

    static final String NAME = "model";
    static final String NO_MODEL = "none installed: studies are stored unscored until one is";

    private final ModelRegistry registry;
    private final String inferenceMode;

    public ModelHealthCheck(ModelRegistry registry,
                            @ConfigProperty(name = "glean.inference.mode") String inferenceMode) {
        this.registry = registry;
        this.inferenceMode = inferenceMode;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("inference-mode", inferenceMode);
        String current;
        try {
            current = registry.currentVersionId();
        } catch (RuntimeException e) {
            return response.down().withData("reason", "the model registry cannot be read: " + e.getMessage())
                    .build();
        }
        return response.up().withData("current-version", current == null ? NO_MODEL : current).build();
    }
}
