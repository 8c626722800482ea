package org.glean.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * gRPC's part of a graceful stop: counts Glean's calls in progress and, once {@link #stopAccepting}
 * was called, answers new ones UNAVAILABLE (a client sends again, to another replica or once the
 * server is back) while those in progress finish. Health and reflection calls are neither counted
 * nor refused: a health watch lasts as long as its client likes, and health should answer to the
 * end. Runs before every other interceptor, so that a refused call costs no token check.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallDrain implements ServerInterceptor, Prioritized {

    static final String STOPPING = "the server is stopping; send the call again (to another replica, or once it is back)";

    // A party per call in progress, and one for the stop that waits for them.
    private final Phaser calls = new Phaser(1);
    private volatile boolean stopping;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getServiceName().startsWith("glean.")) {
            return next.startCall(call, headers);
        }
        if (stopping || calls.register() < 0) {
            call.close(Status.UNAVAILABLE.withDescription(STOPPING), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(call, headers);
        } catch (RuntimeException e) {
            ended();
            throw e;
        }
        return new OnCallEnd<>(listener, this::ended);
    }

    /** From now on new calls are refused. */
    public void stopAccepting() {
        stopping = true;
    }

    /**
     * Waits, once, until no call is in progress or the deadline passes; true when none is.
     * Calls that slipped in while the stop began are waited for too.
     */
    public boolean awaitIdle(Instant deadline) throws InterruptedException {
        int phase = calls.arriveAndDeregister();
        try {
            calls.awaitAdvanceInterruptibly(phase, Math.max(0, Duration.between(Instant.now(), deadline).toMillis()),
                    TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE; // the highest: called first
    }

    private void ended() {
        calls.arriveAndDeregister();
    }
}
