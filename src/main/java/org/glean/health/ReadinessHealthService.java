package org.glean.health;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The standard gRPC health service (grpc.health.v1.Health), answering from the same readiness
 * checks as {@code /q/health/ready}: SERVING when every check is UP, NOT_SERVING otherwise.
 * Quarkus' own health service only reports statuses set in code, and its smallrye-health check
 * reads those statuses (the reverse direction), so it is switched off
 * ({@code quarkus.grpc.server.grpc-health.enabled=false}, with its readiness check,
 * {@code quarkus.grpc.server.health.enabled=false}) in favour of this one.
 *
 * <p>The service names it knows are "" (the server) and Glean's services ({@code glean.v1.*});
 * any other answers NOT_FOUND, as the protocol asks. Watch re-evaluates readiness every few
 * seconds and sends a status when it changes.
 */
@GrpcService
public class ReadinessHealthService extends HealthGrpc.HealthImplBase {

    private static final long WATCH_PERIOD_SECONDS = 5;

    private final SmallRyeHealthReporter reporter;
    // Its own thread, not @Scheduled: one polling task per Watch call, cancelled with the call.
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "glean-grpc-health-watch");
        thread.setDaemon(true);
        return thread;
    });

    public ReadinessHealthService(SmallRyeHealthReporter reporter) {
        this.reporter = reporter;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
        if (!known(request.getService())) {
            responses.onError(Status.NOT_FOUND.withDescription("unknown service " + request.getService())
                    .asRuntimeException());
            return;
        }
        // Asynchronously: the checks run on a worker thread, not on this event loop.
        reporter.getReadinessAsync().subscribe().with(readiness -> {
            responses.onNext(HealthCheckResponse.newBuilder().setStatus(status(readiness)).build());
            responses.onCompleted();
        }, failure -> responses.onError(Status.INTERNAL.withDescription("readiness could not be evaluated: "
                + failure.getMessage()).asRuntimeException()));
    }

    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
        ServerCallStreamObserver<HealthCheckResponse> call = (ServerCallStreamObserver<HealthCheckResponse>) responses;
        boolean known = known(request.getService());
        AtomicReference<ServingStatus> last = new AtomicReference<>();
        Runnable send = () -> {
            if (!known) {
                sendIfChanged(call, last, ServingStatus.SERVICE_UNKNOWN);
                return;
            }
            reporter.getReadinessAsync().subscribe().with(readiness -> sendIfChanged(call, last, status(readiness)),
                    failure -> sendIfChanged(call, last, ServingStatus.NOT_SERVING));
        };
        send.run();
        ScheduledFuture<?> polling = watcher.scheduleWithFixedDelay(send, WATCH_PERIOD_SECONDS,
                WATCH_PERIOD_SECONDS, TimeUnit.SECONDS);
        call.setOnCancelHandler(() -> polling.cancel(false));
    }

    private static void sendIfChanged(ServerCallStreamObserver<HealthCheckResponse> call,
                                      AtomicReference<ServingStatus> last, ServingStatus now) {
        synchronized (call) {
            if (!call.isCancelled() && last.getAndSet(now) != now) {
                call.onNext(HealthCheckResponse.newBuilder().setStatus(now).build());
            }
        }
    }

    /** SERVING when every readiness check is UP. */
    private static ServingStatus status(SmallRyeHealth readiness) {
        return readiness.isDown() ? ServingStatus.NOT_SERVING : ServingStatus.SERVING;
    }

    private static boolean known(String service) {
        return service.isEmpty() || service.startsWith("glean.v1.");
    }

    void onStop(@Observes ShutdownEvent event) {
        watcher.shutdownNow();
    }
}
