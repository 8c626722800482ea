package org.glean.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A unary call of Glean's services still running after {@code glean.limits.unary-deadline}, or
 * after the client's own deadline when that is shorter, is answered DEADLINE_EXCEEDED, and its gRPC
 * context is cancelled, so that work which looks at it (detection between batches) stops. What the
 * service answers later is dropped. Streaming calls have their own limits (idle streams) and run
 * as long as they stream.
 */
@GlobalInterceptor
@ApplicationScoped
public class UnaryDeadline implements ServerInterceptor, Prioritized {

    // The client's deadline as gRPC sends it; the server's transport (Vert.x) does not apply it.
    private static final Metadata.Key<String> CLIENT_TIMEOUT = Metadata.Key.of("grpc-timeout",
            Metadata.ASCII_STRING_MARSHALLER);

    private final Duration limit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "glean-unary-deadline");
        thread.setDaemon(true);
        return thread;
    });

    public UnaryDeadline(@ConfigProperty(name = "glean.limits.unary-deadline") Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("glean.limits.unary-deadline must be positive, got " + limit);
        }
        this.limit = limit;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        if (method.getType() != MethodDescriptor.MethodType.UNARY || !method.getServiceName().startsWith("glean.")) {
            return next.startCall(call, headers);
        }
        Optional<Duration> shorter = clientTimeout(headers).filter(client -> client.compareTo(limit) < 0);
        Duration deadline = shorter.orElse(limit);
        String whose = shorter.isPresent() ? "the client's deadline (" + deadline.toMillis() + " ms)"
                : "the server's limit for a call (glean.limits.unary-deadline = " + limit.toMillis() + " ms)";
        Context.CancellableContext context = Context.current().withDeadlineAfter(deadline.toNanos(),
                TimeUnit.NANOSECONDS, timer);
        ClosedOnce<Q, R> answer = new ClosedOnce<>(call);
        context.addListener(cancelled -> {
            if (cancelled.getDeadline() != null && cancelled.getDeadline().isExpired()) {
                answer.close(Status.DEADLINE_EXCEEDED.withDescription(method.getBareMethodName() + " ran past "
                        + whose + " and was stopped; send it again, or with a longer deadline, when the server "
                        + "is less busy"), new Metadata());
            }
        }, Runnable::run);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, answer, headers, next);
        // the context ends with the call: its timer goes, and a client that went away stops the work
        return new OnCallEnd<>(listener, () -> context.cancel(null));
    }

    @Override
    public int getPriority() {
        return -200; // after CallLimits: only a call that was admitted is timed
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    // gRPC's grpc-timeout: at most 8 digits and a unit (hours to nanoseconds).
    static Optional<Duration> clientTimeout(Metadata headers) {
        String value = headers.get(CLIENT_TIMEOUT);
        if (value == null || value.length() < 2 || value.length() > 9) {
            return Optional.empty();
        }
        long amount;
        try {
            amount = Long.parseLong(value.substring(0, value.length() - 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return switch (value.charAt(value.length() - 1)) {
            case 'H' -> Optional.of(Duration.ofHours(amount));
            case 'M' -> Optional.of(Duration.ofMinutes(amount));
            case 'S' -> Optional.of(Duration.ofSeconds(amount));
            case 'm' -> Optional.of(Duration.ofMillis(amount));
            case 'u' -> Optional.of(Duration.ofNanos(amount * 1000));
            case 'n' -> Optional.of(Duration.ofNanos(amount));
            default -> Optional.empty();
        };
    }

    // The deadline's answer and the service's may race: whichever comes first is sent, the other dropped.
    private static final class ClosedOnce<Q, R> extends SimpleForwardingServerCall<Q, R> {

        private boolean closed;

        ClosedOnce(ServerCall<Q, R> call) {
            super(call);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }
    }
}
