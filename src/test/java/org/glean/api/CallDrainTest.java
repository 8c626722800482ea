package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The interceptor on a real gRPC server on loopback, in front of a StudyIngest whose GetStudy
 * answers only when the test lets it, and a health service that always answers.
 */
class CallDrainTest {

    private final CallDrain drain = new CallDrain();
    private final CountDownLatch answering = new CountDownLatch(1);
    private final CountDownLatch mayAnswer = new CountDownLatch(1);
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new HeldStudyIngest(), drain))
                .addService(ServerInterceptors.intercept(new AlwaysServing(), drain))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        mayAnswer.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aCallInProgressWhenTheStopBeginsIsAnsweredAndNewCallsAreRefusedUnavailable() throws Exception {
        CompletableFuture<StudyAnalysis> inProgress = CompletableFuture.supplyAsync(this::getStudy);
        assertThat(answering.await(10, TimeUnit.SECONDS)).isTrue();

        drain.stopAccepting();
        CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> awaitIdle(Instant.now().plusSeconds(10)));
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, this::getStudy);
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(idle).isNotDone();
        mayAnswer.countDown();

        assertThat(inProgress.get(10, TimeUnit.SECONDS).getStudyInstanceUid()).isEqualTo("1.2.3");
        assertThat(idle.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.getStatus().getDescription()).isEqualTo(CallDrain.STOPPING);
        assertThat(health.getStatus()).as("health is neither refused nor waited for")
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void givesUpWaitingAtTheDeadlineForACallThatDoesNotFinish() throws Exception {
        CompletableFuture<StudyAnalysis> inProgress = CompletableFuture.supplyAsync(this::getStudy);
        assertThat(answering.await(10, TimeUnit.SECONDS)).isTrue();

        drain.stopAccepting();
        long start = System.nanoTime();
        assertThat(awaitIdle(Instant.now().plusMillis(300))).isFalse();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 5_000L);
        assertThat(inProgress).isNotDone();
    }

    @Test
    void aStopWithNothingInProgressIsIdleAtOnce() throws Exception {
        drain.stopAccepting();

        assertThat(awaitIdle(Instant.now())).isTrue();
    }

    private StudyAnalysis getStudy() {
        return StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid("1.2.3").build());
    }

    private boolean awaitIdle(Instant deadline) {
        try {
            return drain.awaitIdle(deadline);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class HeldStudyIngest extends StudyIngestGrpc.StudyIngestImplBase {
        @Override
        public void getStudy(GetStudyRequest request, StreamObserver<StudyAnalysis> responses) {
            answering.countDown();
            try {
                mayAnswer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            responses.onNext(StudyAnalysis.newBuilder().setStudyInstanceUid(request.getStudyInstanceUid()).build());
            responses.onCompleted();
        }
    }

    private static final class AlwaysServing extends HealthGrpc.HealthImplBase {
        @Override
        public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
            responses.onNext(HealthCheckResponse.newBuilder()
                    .setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
            responses.onCompleted();
        }
    }
}
