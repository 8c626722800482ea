package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.metrics.PipelineMetrics;
import org.glean.metrics.PipelineStage;
import org.glean.proto.v1.DetectRequest;
import org.glean.proto.v1.Frame;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * A server whose unary calls may run two seconds, with the bundled model detecting one frame per
 * batch: a Detect call of 1000 frames takes many seconds of real inference, so it runs past either
 * deadline, and whether its work went on shows in the count of batches detected.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@TestProfile(UnaryDeadlineTest.TwoSeconds.class)
class UnaryDeadlineTest {

    private static final int FRAMES = 1000;
    private static final int SIZE = 16;

    public static class TwoSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("glean.limits.unary-deadline", "PT2S",
                    "glean.models.bundled", "true",
                    "glean.inference.batch-size", "1");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    MeterRegistry metrics;

    @Test
    void aDetectCallRunningPastTheServersLimitIsAnsweredDeadlineExceededAndItsDetectionStops() throws Exception {
        ManagedChannel channel = LoopbackChannels.open(port, TestTokens.as("gpu-client", Role.INFERENCE));
        try {
            double before = batchesDetected();
            long start = System.nanoTime();
            StatusRuntimeException answer = catchThrowableOfType(StatusRuntimeException.class, () ->
                    InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).detect(largeRequest()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(answer).as("the call's answer").isNotNull();
            assertThat(answer.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(answer.getStatus().getDescription()).isEqualTo("Detect ran past the server's limit for a call "
                    + "(glean.limits.unary-deadline = 2000 ms) and was stopped; send it again, or with a longer deadline, "
                    + "when the server is less busy");
            assertThat(took).as("answered at the limit, not at the end of the work").isLessThan(Duration.ofSeconds(8));
            double detected = settledBatches() - before;
            System.out.printf("Detect of %d frames answered DEADLINE_EXCEEDED after %d ms; %.0f frames detected%n",
                    FRAMES, took.toMillis(), detected);
            assertThat(detected).as("frames detected before the work stopped").isBetween(1.0, FRAMES / 2.0);
        } finally {
            LoopbackChannels.close(channel);
        }
    }

    @Test
    void aClientDeadlineShorterThanTheServersLimitStopsTheWorkToo() throws Exception {
        ManagedChannel channel = LoopbackChannels.open(port, TestTokens.as("gpu-client", Role.INFERENCE));
        try {
            double before = batchesDetected();
            StatusRuntimeException answer = catchThrowableOfType(StatusRuntimeException.class, () ->
                    InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .detect(largeRequest()));

            assertThat(answer.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(settledBatches() - before).as("frames detected before the work stopped")
                    .isLessThan(FRAMES / 2.0);
        } finally {
            LoopbackChannels.close(channel);
        }
    }

    @Test
    void theClientsDeadlineIsReadFromItsGrpcTimeoutHeader() {
        assertThat(UnaryDeadline.clientTimeout(timeout("150m"))).contains(Duration.ofMillis(150));
        assertThat(UnaryDeadline.clientTimeout(timeout("59999999u"))).contains(Duration.ofNanos(59_999_999_000L));
        assertThat(UnaryDeadline.clientTimeout(timeout("2H"))).contains(Duration.ofHours(2));
        assertThat(UnaryDeadline.clientTimeout(timeout("12x"))).isEmpty();
        assertThat(UnaryDeadline.clientTimeout(timeout("m"))).isEmpty();
        assertThat(UnaryDeadline.clientTimeout(new Metadata())).isEqualTo(Optional.empty());
    }

    private static Metadata timeout(String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER), value);
        return headers;
    }

    // Tiny CT frames: each is scaled to the model's input, so each costs a full detection.
    private static DetectRequest largeRequest() {
        DetectRequest.Builder request = DetectRequest.newBuilder();
        for (int i = 0; i < FRAMES; i++) {
            Frame.Builder frame = Frame.newBuilder().setRows(SIZE).setColumns(SIZE).setModality("CT")
                    .setWindowCenter(40).setWindowWidth(400);
            for (int p = 0; p < SIZE * SIZE; p++) {
                frame.addPixels((p * 7 + i) % 200 - 100);
            }
            request.addFrames(frame);
        }
        return request.build();
    }

    // Frames detected so far (one per batch); none before the first detection registers the timer.
    private double batchesDetected() {
        Timer inference = metrics.find(PipelineMetrics.STAGE_TIMER)
                .tag(PipelineMetrics.STAGE_TAG, PipelineStage.INFERENCE.tag()).timer();
        return inference == null ? 0 : inference.count();
    }

    // The count once it has stopped growing (the batch in progress finishes after a stop).
    private double settledBatches() throws InterruptedException {
        double last = batchesDetected();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            double now = batchesDetected();
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }
}
