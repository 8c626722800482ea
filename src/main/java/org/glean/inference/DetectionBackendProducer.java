package org.glean.inference;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import org.glean.metrics.PipelineMetrics;

/**
 * The detector of this process, which the Inference gRPC service always serves, and the detection
 * backend that scoring uses, as glean.inference.mode asks: the same, or a remote instance.
 */
public class DetectionBackendProducer {

    @Produces
    @Singleton
    @Typed(LocalDetectionBackend.class)
    LocalDetectionBackend local(ModelRegistry registry, InferenceConfig config, PipelineMetrics metrics) {
        for (double threshold : new double[] {config.objectThreshold(), config.candidateThreshold()}) {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("glean.inference.object-threshold and candidate-threshold must lie in "
                        + "[0, 1], got " + config.objectThreshold() + " and " + config.candidateThreshold());
            }
        }
        return new LocalDetectionBackend(registry, config.batchSize(), config.lowestScore(), metrics);
    }

    @Produces
    @Singleton
    DetectionBackend backend(InferenceConfig config, LocalDetectionBackend local) {
        return switch (config.mode()) {
            case IN_PROCESS -> local;
            case REMOTE -> RemoteDetectionBackend.connect(config.remote());
        };
    }

    void close(@Disposes DetectionBackend backend) {
        if (backend instanceof RemoteDetectionBackend remote) {
            remote.close();
        }
    }
}
