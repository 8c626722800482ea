package org.glean.api;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.security.Caller;

/**
 * At most {@code glean.limits.calls-per-caller} calls of one caller (the token's subject) in
 * progress at once; more are answered RESOURCE_EXHAUSTED at once, with advice, and audited as
 * refusals. One runaway pipeline then cannot hold every worker and upload slot while the
 * annotators and other pipelines wait. Runs after {@link CallerAuthorization}, which names the
 * caller; health, reflection and sign-in have none and are not counted.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallLimits implements ServerInterceptor, Prioritized {

    private final int perCaller;
    private final ConcurrentMap<String, Integer> inProgress = new ConcurrentHashMap<>();

    public CallLimits(@ConfigProperty(name = "glean.limits.calls-per-caller") int perCaller) {
        if (perCaller < 1) {
            throw new IllegalArgumentException("glean.limits.calls-per-caller must be at least 1, got " + perCaller);
        }
        this.perCaller = perCaller;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Caller caller = CallerAuthorization.CALLER.get(Context.current());
        if (caller == null) {
            return next.startCall(call, headers);
        }
        String subject = caller.subject();
        if (inProgress.merge(subject, 1, Integer::sum) > perCaller) {
            ended(subject);
            call.close(Status.RESOURCE_EXHAUSTED.withDescription(subject + " has " + perCaller + " calls in progress, "
                    + "the most one caller may (glean.limits.calls-per-caller); send this one again when one of "
                    + "them has finished, or send fewer at once"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(call, headers);
        } catch (RuntimeException e) {
            ended(subject);
            throw e;
        }
        return new OnCallEnd<>(listener, () -> ended(subject));
    }

    /** Calls of {@code subject} in progress now. */
    int inProgress(String subject) {
        return inProgress.getOrDefault(subject, 0);
    }

    @Override
    public int getPriority() {
        return -100; // below CallerAuthorization's default 0: called after it
    }

    private void ended(String subject) {
        inProgress.merge(subject, -1, (count, minusOne) -> count + minusOne == 0 ? null : count + minusOne);
    }
}
