package org.glean.api;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import org.glean.persistence.DatabaseOutage;

/**
 * Every gRPC call that fails because the database is out of reach is answered UNAVAILABLE with
 * {@link DatabaseOutage#ADVICE}, the status on which clients send again, instead of the UNKNOWN or
 * INTERNAL its exception would make: one place for every service, rather than a catch in each.
 * It looks at the cause of the status a call closes with, which gRPC keeps for exceptions a
 * service throws and which services attach to the statuses they make of a failure. Runs outside
 * Quarkus' exception handler, so that it sees the status that handler makes.
 */
@GlobalInterceptor
@ApplicationScoped
public class DatabaseOutageStatus implements ServerInterceptor, Prioritized {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                super.close(translated(status), trailers);
            }
        }, headers);
    }

    /** UNAVAILABLE with advice for a failure caused by a database outage; any other status as it is. */
    static Status translated(Status status) {
        boolean failure = status.getCode() == Status.Code.UNKNOWN || status.getCode() == Status.Code.INTERNAL;
        if (failure && DatabaseOutage.isCause(status.getCause())) {
            return Status.UNAVAILABLE.withDescription(DatabaseOutage.ADVICE).withCause(status.getCause());
        }
        return status;
    }

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE - 1; // after CallDrain, before Quarkus' exception handler (MAX_VALUE - 70)
    }
}
