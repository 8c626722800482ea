package org.glean.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.security.Actor;
import org.glean.security.AuditTrail;
import org.glean.security.BearerToken;
import org.glean.security.Caller;
import org.glean.security.InvalidTokenException;
import org.glean.security.Role;
import org.glean.security.TokenVerifier;
import org.jboss.logging.Logger;

/**
 * Every gRPC call's authentication and authorization, in one place: the bearer token is
 * verified (missing or bad: UNAUTHENTICATED), its roles must allow the call
 * ({@link CallPermissions}; otherwise PERMISSION_DENIED), and a request field that names the
 * acting person ({@code annotator_id}, {@code changed_by}, {@code requested_by}) must name the
 * token's subject (otherwise PERMISSION_DENIED) and is filled with it when empty, so that the
 * services act for whoever the token names. Every guarded call answered with an error, refusals
 * included, gets its row in the audit trail here (action from {@link CallActions}); a successful
 * one gets it from whatever carries it out, in the same transaction as its change.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallerAuthorization implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(CallerAuthorization.class);
    private static final List<String> ACTOR_FIELDS = List.of("annotator_id", "changed_by", "requested_by");
    static final Context.Key<Caller> CALLER = Context.key("glean-caller");
    private static final Context.Key<CallAudit> AUDIT = Context.key("glean-call-audit");
    private static final Context.Key<String> PEER = Context.key("glean-peer");
    // Refusals waiting for their audit row; beyond this a flood of bad calls is logged, not queued.
    private static final int MAX_WAITING_REFUSALS = 10_000;

    private final TokenVerifier tokens;
    private final AuditTrail trail;
    // Writes the rows of calls refused on the event loop, which must not wait for the database.
    private final ExecutorService refusals = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_WAITING_REFUSALS), runnable -> {
                Thread thread = new Thread(runnable, "audit-refusals");
                thread.setDaemon(true);
                return thread;
            });

    private final Set<Role> certificateRoles;

    /**
     * @param certificateRoles claims of the roles whose calls must also come with a verified
     *     client certificate (mutual TLS): pipelines and inference nodes, say
     */
    public CallerAuthorization(TokenVerifier tokens, AuditTrail trail,
            @ConfigProperty(name = "glean.tls.client-certificate-roles") Optional<List<String>> certificateRoles) {
        this.tokens = tokens;
        this.trail = trail;
        this.certificateRoles = certificateRoles.orElse(List.of()).stream().map(claim -> Role.ofClaim(claim.strip())
                .orElseThrow(() -> new IllegalArgumentException("glean.tls.client-certificate-roles: '" + claim
                        + "' is not a role (ingest, annotator, curator, admin, inference)")))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String peer = peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (CallPermissions.open(call.getMethodDescriptor())) {
            return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
        }
        Caller caller;
        try {
            caller = tokens.verify(bearerToken(headers));
        } catch (InvalidTokenException e) {
            return refuse(call, new CallAudit(new Actor(Actor.ANONYMOUS, peer), CallActions.of(
                    call.getMethodDescriptor())), Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        }
        CallAudit audit = new CallAudit(new Actor(caller.subject(), peer), CallActions.of(call.getMethodDescriptor()));
        Set<Role> allowed = CallPermissions.rolesFor(call.getMethodDescriptor()).orElse(Set.of());
        if (!caller.mayActAs(allowed)) {
            return refuse(call, audit, Status.PERMISSION_DENIED.withDescription(caller.subject() + " may not call "
                    + call.getMethodDescriptor().getBareMethodName() + ": it takes the role "
                    + (allowed.isEmpty() ? "admin" : allowed.iterator().next().claim() + " or admin")));
        }
        if (allowed.stream().anyMatch(certificateRoles::contains) && !verifiedClientCertificate(call)) {
            return refuse(call, audit, Status.UNAUTHENTICATED.withDescription(call.getMethodDescriptor()
                    .getBareMethodName() + " takes a client certificate from a trusted CA besides the token (mutual TLS; "
                    + "glean.tls.client-certificate-roles)"));
        }
        Context context = Context.current().withValue(CALLER, caller).withValue(AUDIT, audit).withValue(PEER, peer);
        Audited<Q, R> audited = new Audited<>(call, audit);
        return new ActingAs<>(Contexts.interceptCall(context, audited, headers, next), audited, caller, audit);
    }

    /** The verified caller of the gRPC call in progress (a guarded call: not health, reflection or sign-in). */
    static Caller current() {
        return inCall(CALLER);
    }

    /** Who makes the guarded gRPC call in progress, and from where: the actor of its audit rows. */
    static Actor actor() {
        return inCall(AUDIT).actor();
    }

    /** The audit of the guarded gRPC call in progress. */
    static CallAudit audit() {
        return inCall(AUDIT);
    }

    /** The address the gRPC call in progress comes from, guarded or not; null when the transport does not say. */
    static String peer() {
        return PEER.get();
    }

    private static <T> T inCall(Context.Key<T> key) {
        T value = key.get();
        if (value == null) {
            throw new IllegalStateException("no verified caller: not inside a guarded gRPC call");
        }
        return value;
    }

    @PreDestroy
    void stopRefusals() {
        refusals.shutdown();
    }

    // The TLS layer has checked the chain against the trusted CAs; an unverified peer has none here.
    private static boolean verifiedClientCertificate(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return false;
        }
        try {
            return session.getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    private static String bearerToken(Metadata headers) throws InvalidTokenException {
        String authorization = headers.get(BearerToken.AUTHORIZATION);
        if (authorization == null) {
            throw new InvalidTokenException("the call carries no bearer token (authorization: Bearer TOKEN)");
        }
        if (!authorization.regionMatches(true, 0, BearerToken.SCHEME, 0, BearerToken.SCHEME.length())) {
            throw new InvalidTokenException("the authorization header is not a bearer token");
        }
        return authorization.substring(BearerToken.SCHEME.length()).strip();
    }

    // The row is written before the refusal is answered, off the event loop.
    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, CallAudit audit, Status status) {
        try {
            refusals.execute(() -> {
                record(audit, status, status.getDescription());
                call.close(status, new Metadata());
            });
        } catch (RejectedExecutionException full) {
            LOG.errorf("Refused %s (%s) without an audit row: %d refusals wait for theirs already",
                    call.getMethodDescriptor().getFullMethodName(), status.getCode(), MAX_WAITING_REFUSALS);
            call.close(status, new Metadata());
        }
        return new ServerCall.Listener<>() { };
    }

    private void record(CallAudit audit, Status status, String detail) {
        try {
            trail.append(audit.failed(status.getCode().name(), detail == null ? "" : detail));
        } catch (RuntimeException e) {
            LOG.errorf(e, "The audit row of a call answered %s could not be written", status.getCode());
        }
    }

    private static String peer(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? Actor.address(inet) : null;
    }

    /**
     * Records a call that ends in an error; its own refusals (acting for someone else) with their
     * reason, the services' errors by their code only, since their descriptions may name UIDs.
     */
    private final class Audited<Q, R> extends SimpleForwardingServerCall<Q, R> {

        private final CallAudit audit;

        Audited(ServerCall<Q, R> call, CallAudit audit) {
            super(call);
            this.audit = audit;
        }

        void refuse(Status status) {
            closeRecorded(status, new Metadata(), status.getDescription());
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (status.isOk()) {
                super.close(status, trailers);
            } else {
                closeRecorded(status, trailers, "");
            }
        }

        // On a worker the row is written first; the event loop hands that to the refusals' threads.
        private void closeRecorded(Status status, Metadata trailers, String detail) {
            if (!io.vertx.core.Context.isOnEventLoopThread()) {
                record(audit, status, detail);
                super.close(status, trailers);
                return;
            }
            try {
                refusals.execute(() -> {
                    record(audit, status, detail);
                    super.close(status, trailers);
                });
            } catch (RejectedExecutionException full) {
                LOG.errorf("%s answered %s without an audit row: %d refusals wait for theirs already",
                        getMethodDescriptor().getFullMethodName(), status.getCode(), MAX_WAITING_REFUSALS);
                super.close(status, trailers);
            }
        }
    }

    /** Passes requests on with their actor fields checked against, or filled from, the caller. */
    private static final class ActingAs<Q, R> extends SimpleForwardingServerCallListener<Q> {

        private final Audited<Q, R> call;
        private final Caller caller;
        private final CallAudit audit;
        private boolean refused;

        ActingAs(ServerCall.Listener<Q> delegate, Audited<Q, R> call, Caller caller, CallAudit audit) {
            super(delegate);
            this.call = call;
            this.caller = caller;
            this.audit = audit;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Q request) {
            if (refused) {
                return;
            }
            if (!(request instanceof Message message)) {
                super.onMessage(request);
                return;
            }
            audit.request(message);
            Message.Builder filled = null;
            for (String name : ACTOR_FIELDS) {
                FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
                if (field == null || field.getJavaType() != FieldDescriptor.JavaType.STRING) {
                    continue;
                }
                String named = (String) message.getField(field);
                if (named.isEmpty()) {
                    filled = (filled == null ? message.toBuilder() : filled).setField(field, caller.subject());
                } else if (!named.equals(caller.subject())) {
                    refused = true;
                    call.refuse(Status.PERMISSION_DENIED.withDescription(name + " " + named
                            + " is not the caller " + caller.subject() + ": a call acts for its token's subject only"));
                    return;
                }
            }
            super.onMessage(filled == null ? request : (Q) filled.build());
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                super.onReady();
            }
        }
    }
}
