package org.glean.inference;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.glean.uncertainty.ImageAggregation;

/** How studies are scored: where the detector runs, in what batches, and how objects are counted. */
@ConfigMapping(prefix = "glean.inference")
public interface InferenceConfig {

    /** Where the detector runs. */
    enum Mode {
        /** In this process, with this server's model registry. */
        IN_PROCESS,
        /** On another Glean instance, through its Inference gRPC service. */
        REMOTE
    }

    /** in-process (default) or remote. */
    @WithDefault("in-process")
    Mode mode();

    /** Frames per forward pass. */
    @WithDefault("8")
    int batchSize();

    /** Intra-op threads of the engine; 0 leaves the engine's default (one per core). */
    @WithDefault("0")
    int threads();

    /** A detection is an object when its class score is at least this (method.md §3). */
    @WithDefault("0.5")
    double objectThreshold();

    /**
     * A detection scoring from this up to the object threshold is a near miss: not an object, but
     * heard by the informativeness (method.md §5), since the detector hesitated there — where it
     * misses an object, it usually leaves one. At or above the object threshold: no near misses.
     */
    @WithDefault("0.1")
    double candidateThreshold();

    /** The lowest score the detector reports: the candidate threshold, or the object threshold if lower. */
    default double lowestScore() {
        return Math.min(candidateThreshold(), objectThreshold());
    }

    /**
     * How an image's four per-kind maxima become its informativeness (method.md §5.3): their mean,
     * the method's option, ranks studies by the model's error and by shift better than their
     * maximum on both phantom families (docs/model-card.md).
     */
    @WithDefault("mean")
    ImageAggregation aggregation();

    /** The inference instance of remote mode. */
    Remote remote();

    interface Remote {

        @WithDefault("localhost")
        String host();

        @WithDefault("9090")
        int port();

        /** Deadline of one Detect call. */
        @WithDefault("60s")
        Duration deadline();

        /** Attempts of one Detect call when the backend answers UNAVAILABLE (1 = no retry). */
        @WithDefault("3")
        int maxAttempts();

        /** Plaintext instead of TLS: refused unless host is a loopback address. */
        @WithDefault("false")
        boolean plaintext();

        /** CA certificate (PEM) to trust for the instance's TLS certificate; default: the JDK's trusted CAs. */
        Optional<Path> ca();

        /** File holding the bearer token (role inference) of every Detect call, e.g. from `glean token --service`. */
        Optional<Path> tokenFile();

        /** Certificate (PEM) to present for mutual TLS, with {@link #clientKey()}. */
        Optional<Path> clientCertificate();

        /** PKCS#8 private key (PEM) of {@link #clientCertificate()}. */
        Optional<Path> clientKey();
    }
}
