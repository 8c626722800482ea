package org.glean.security;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.concurrent.Executor;

/** A client's token on every call, as {@code authorization: Bearer TOKEN}. */
public final class BearerToken extends CallCredentials {

    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final String SCHEME = "Bearer ";

    private final String token;

    public BearerToken(String token) {
        this.token = token.strip();
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, SCHEME + token);
        applier.apply(headers);
    }

    /** A channel interceptor that sends this token on every call whose stub sets no credentials of its own. */
    public ClientInterceptor onEveryCall() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return next.newCall(method, options.getCredentials() == null ? options.withCallCredentials(BearerToken.this)
                        : options);
            }
        };
    }
}
