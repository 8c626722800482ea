package org.glean.inference;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.DetectRequest;
import org.glean.proto.v1.DetectResponse;
import org.glean.proto.v1.Frame;
import org.glean.proto.v1.FrameObjects;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.detector.ModalityFrame;
import org.glean.security.BearerToken;
import org.glean.security.ClientChannels;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * The detector on another Glean instance, through its Inference service: each Detect call has a
 * deadline, and one the backend answers UNAVAILABLE (down, restarting) is retried with backoff, as
 * Detect is idempotent. Frames go in requests of at most {@value #MAX_REQUEST_BYTES} bytes, under
 * the server's 8 MiB message limit.
 */
public final class RemoteDetectionBackend implements DetectionBackend, AutoCloseable {

    static final int MAX_REQUEST_BYTES = 6 << 20;
    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private final String target;
    private final ManagedChannel channel;
    private final Duration deadline;

    /** TLS (or plaintext on loopback, when configured) with the configured token on every call. */
    static RemoteDetectionBackend connect(InferenceConfig.Remote remote) {
        NettyChannelBuilder transport = remote.plaintext() ? ClientChannels.plaintext(remote.host(), remote.port())
                : ClientChannels.tls(remote.host(), remote.port(), remote.ca(), clientCertificate(remote));
        remote.tokenFile().ifPresent(file -> {
            try {
                transport.intercept(new BearerToken(Files.readString(file)).onEveryCall());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read glean.inference.remote.token-file " + file, e);
            }
        });
        return new RemoteDetectionBackend(transport, remote.host() + ":" + remote.port(), remote.deadline(),
                remote.maxAttempts());
    }

    private static Optional<ClientChannels.ClientCertificate> clientCertificate(InferenceConfig.Remote remote) {
        if (remote.clientCertificate().isPresent() != remote.clientKey().isPresent()) {
            throw new IllegalArgumentException("glean.inference.remote.client-certificate and client-key go together");
        }
        return remote.clientCertificate().map(certificate -> new ClientChannels.ClientCertificate(certificate,
                remote.clientKey().orElseThrow()));
    }

    RemoteDetectionBackend(ManagedChannelBuilder<?> transport, String target, Duration deadline, int maxAttempts) {
        this.target = target;
        this.deadline = deadline;
        ManagedChannelBuilder<?> builder = transport.maxInboundMessageSize(MAX_RESPONSE_BYTES);
        if (maxAttempts > 1) {
            builder.defaultServiceConfig(retryOnUnavailable(maxAttempts))
                    .enableRetry()
                    // a request is retried only while it is buffered whole
                    .perRpcBufferLimit(MAX_REQUEST_BYTES + (1L << 20))
                    .retryBufferSize(64L << 20);
        } else {
            builder.disableRetry();
        }
        this.channel = builder.build();
    }

    private static Map<String, Object> retryOnUnavailable(int maxAttempts) {
        Map<String, Object> retryPolicy = Map.of(
                "maxAttempts", (double) maxAttempts,
                "initialBackoff", "0.2s",
                "maxBackoff", "2s",
                "backoffMultiplier", 2.0,
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        return Map.of("methodConfig", List.of(Map.of(
                "name", List.of(Map.of("service", "glean.v1.Inference")),
                "retryPolicy", retryPolicy)));
    }

    @Override
    public DetectedFrames detect(List<ModalityFrame> frames) throws NoModelException, BackendUnavailableException {
        DetectedFrames detected = detectInRequests(frames);
        if (detected == null) {
            // The remote swapped models between two requests: once more, all under the new one.
            detected = detectInRequests(frames);
        }
        if (detected == null) {
            throw new IllegalStateException("the inference backend at " + target + " kept changing its model version");
        }
        return detected;
    }

    // Null when the requests were answered by different model versions.
    private DetectedFrames detectInRequests(List<ModalityFrame> frames)
            throws NoModelException, BackendUnavailableException {
        List<List<FoundObject>> found = new ArrayList<>(frames.size());
        String modelVersion = null;
        UncertaintyStatistics statistics = null;
        List<String> classes = List.of();
        int next = 0;
        do {
            DetectRequest.Builder request = DetectRequest.newBuilder();
            long bytes = 0;
            while (next < frames.size() && (request.getFramesCount() == 0
                    || bytes + 4L * frames.get(next).pixels().length < MAX_REQUEST_BYTES)) {
                Frame frame = InferenceMessages.frame(frames.get(next++));
                bytes += frame.getSerializedSize();
                request.addFrames(frame);
            }
            DetectResponse response = call(request.build());
            if (modelVersion != null && !modelVersion.equals(response.getModelVersion())) {
                return null;
            }
            modelVersion = response.getModelVersion();
            classes = response.getClassesList();
            statistics = response.getNormalisationStatistics().isEmpty() ? null
                    : UncertaintyStatistics.fromJson(response.getNormalisationStatistics());
            for (FrameObjects objects : response.getFramesList()) {
                found.add(InferenceMessages.foundObjects(objects));
            }
        } while (next < frames.size());
        if (found.size() != frames.size()) {
            throw new IllegalStateException("the inference backend at " + target + " answered " + found.size()
                    + " frames for " + frames.size());
        }
        return new DetectedFrames(modelVersion, statistics, classes, found);
    }

    private DetectResponse call(DetectRequest request) throws NoModelException, BackendUnavailableException {
        try {
            return InferenceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .detect(request);
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            switch (status.getCode()) {
                case FAILED_PRECONDITION -> throw new NoModelException("the inference backend at " + target + ": "
                        + status.getDescription());
                case UNAVAILABLE, DEADLINE_EXCEEDED -> throw new BackendUnavailableException(
                        "the inference backend at " + target + " is unavailable (" + status.getCode()
                                + (status.getDescription() == null ? "" : ": " + status.getDescription()) + ")", e);
                default -> throw new IllegalStateException("the inference backend at " + target + " failed: "
                        + status.getCode() + " " + status.getDescription(), e);
            }
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
