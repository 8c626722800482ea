package org.glean.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.security.BearerToken;
import org.glean.security.Caller;
import org.glean.security.InvalidTokenException;
import org.glean.security.Role;
import org.glean.security.TokenVerifier;

/**
 * Every gRPC call's authentication and authorization, in one place: the bearer token is
 * verified (missing or bad: UNAUTHENTICATED), its roles must allow the call
 * ({@link CallPermissions}; otherwise PERMISSION_DENIED), and a request field that names the
 * acting person ({@code annotator_id}, {@code changed_by}, {@code requested_by}) must name the
 * token's subject (otherwise PERMISSION_DENIED) and is filled with it when empty, so that the
 * services act for whoever the token names.
 */
@GlobalInterceptor
@ApplicationScoped
public class CallerAuthorization implements ServerInterceptor {

    private static final List<String> ACTOR_FIELDS = List.of("annotator_id", "changed_by", "requested_by");
    private static final Context.Key<Caller> CALLER = Context.key("glean-caller");

    private final TokenVerifier tokens;
    private final Set<Role> certificateRoles;

    /**
     * @param certificateRoles claims of the roles whose calls must also come with a verified
     *     client certificate (mutual TLS): pipelines and inference nodes, say
     */
    public CallerAuthorization(TokenVerifier tokens,
            @ConfigProperty(name = "glean.tls.client-certificate-roles") Optional<List<String>> certificateRoles) {
        this.tokens = tokens;
        this.certificateRoles = certificateRoles.orElse(List.of()).stream().map(claim -> Role.ofClaim(claim.strip())
                .orElseThrow(() -> new IllegalArgumentException("glean.tls.client-certificate-roles: '" + claim
                        + "' is not a role (ingest, annotator, curator, admin, inference)")))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (CallPermissions.open(call.getMethodDescriptor())) {
            return next.startCall(call, headers);
        }
        Caller caller;
        try {
            caller = tokens.verify(bearerToken(headers));
        } catch (InvalidTokenException e) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        }
        Set<Role> allowed = CallPermissions.rolesFor(call.getMethodDescriptor()).orElse(Set.of());
        if (!caller.mayActAs(allowed)) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(caller.subject() + " may not call "
                    + call.getMethodDescriptor().getBareMethodName() + ": it takes the role "
                    + (allowed.isEmpty() ? "admin" : allowed.iterator().next().claim() + " or admin")));
        }
        if (allowed.stream().anyMatch(certificateRoles::contains) && !verifiedClientCertificate(call)) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(call.getMethodDescriptor().getBareMethodName()
                    + " takes a client certificate from a trusted CA besides the token (mutual TLS; "
                    + "glean.tls.client-certificate-roles)"));
        }
        Context context = Context.current().withValue(CALLER, caller);
        return new ActingAs<>(Contexts.interceptCall(context, call, headers, next), call, caller);
    }

    /** The verified caller of the gRPC call in progress (a guarded call: not health, reflection or sign-in). */
    static Caller current() {
        Caller caller = CALLER.get();
        if (caller == null) {
            throw new IllegalStateException("no verified caller: not inside a guarded gRPC call");
        }
        return caller;
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

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() { };
    }

    /** Passes requests on with their actor fields checked against, or filled from, the caller. */
    private static final class ActingAs<Q, R> extends SimpleForwardingServerCallListener<Q> {

        private final ServerCall<Q, R> call;
        private final Caller caller;
        private boolean refused;

        ActingAs(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Caller caller) {
            super(delegate);
            this.call = call;
            this.caller = caller;
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
                    call.close(Status.PERMISSION_DENIED.withDescription(name + " " + named
                            + " is not the caller " + caller.subject() + ": a call acts for its token's subject only"),
                            new Metadata());
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
