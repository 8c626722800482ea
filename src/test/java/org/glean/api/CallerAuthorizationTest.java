package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.AddUserRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.GetPolicyRequest;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.proto.v1.IssueTokenRequest;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.security.BearerToken;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every RPC of every Glean service against the real server and real tokens: without a token,
 * with an expired one and with one signed by another key it is UNAUTHENTICATED; with each role
 * the call does not take it is PERMISSION_DENIED. Health stays open; the built-in users sign in.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class CallerAuthorizationTest {

    private static final List<ServiceDescriptor> SERVICES = List.of(StudyIngestGrpc.getServiceDescriptor(),
            CurationGrpc.getServiceDescriptor(), ModelsGrpc.getServiceDescriptor(), InferenceGrpc.getServiceDescriptor(),
            IdentityGrpc.getServiceDescriptor());

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = LoopbackChannels.anonymous(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    void everyCallWithoutAValidTokenIsUnauthenticated() {
        for (MethodDescriptor<?, ?> method : guardedMethods()) {
            assertThat(call(method, null)).as("%s without a token", method.getFullMethodName())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(call(method, "not.a.jwt")).as("%s with a malformed token", method.getFullMethodName())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            for (String token : TestTokens.invalid(Role.ADMIN)) {
                assertThat(call(method, token)).as("%s with an expired, forged or foreign token",
                        method.getFullMethodName()).isEqualTo(Status.Code.UNAUTHENTICATED);
            }
        }
    }

    @Test
    void everyRoleThatACallDoesNotTakeIsPermissionDenied() {
        List<String> checked = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : guardedMethods()) {
            Set<Role> allowed = CallPermissions.rolesFor(method).orElseThrow(() ->
                    new AssertionError(method.getFullMethodName() + " is missing from CallPermissions"));
            for (Role role : Role.values()) {
                if (role == Role.ADMIN || allowed.contains(role)) {
                    continue;
                }
                assertThat(call(method, TestTokens.token("someone", role)))
                        .as("%s with the role %s", method.getFullMethodName(), role.claim())
                        .isEqualTo(Status.Code.PERMISSION_DENIED);
                checked.add(method.getBareMethodName() + "/" + role.claim());
            }
            if (!allowed.isEmpty() && !SIDE_EFFECTS.contains(method.getBareMethodName())) {
                Role role = allowed.iterator().next();
                assertThat(call(method, TestTokens.token("someone", role)))
                        .as("%s with its role %s gets past authorization", method.getFullMethodName(), role.claim())
                        .isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
            }
        }
        assertThat(checked).hasSizeGreaterThan(50);
    }

    // Calls that would change the server's state if let through with an empty request.
    private static final Set<String> SIDE_EFFECTS = Set.of("StartFineTune", "SetPolicy", "Rollback", "Promote",
            "ClaimNextTask");

    @Test
    void everyGuardedCallHasItsActionInTheAuditTrail() {
        for (MethodDescriptor<?, ?> method : guardedMethods()) {
            assertThat(CallActions.of(method)).as(method.getFullMethodName()).isNotNull();
        }
    }

    @Test
    void healthNeedsNoToken() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());

        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void anAddedUserSignsInWithTheirPasswordAndActsWithTheirRoles() {
        String name = "curator-" + System.nanoTime();
        IdentityGrpc.newBlockingStub(channel).withCallCredentials(TestTokens.admin())
                .addUser(AddUserRequest.newBuilder().setName(name).addRoles("curator")
                        .setPassword("correct horse battery").build());

        IdentityGrpc.IdentityBlockingStub identity = IdentityGrpc.newBlockingStub(channel);
        assertThat(code(() -> identity.issueToken(IssueTokenRequest.newBuilder().setUser(name)
                .setPassword("wrong horse battery").build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> IdentityGrpc.newBlockingStub(channel).withCallCredentials(TestTokens.as(name, Role.CURATOR))
                .addUser(AddUserRequest.newBuilder().setName("x").addRoles("admin").setPassword("long enough pass")
                        .build()))).as("only admin adds users").isEqualTo(Status.Code.PERMISSION_DENIED);
        String token = identity.issueToken(IssueTokenRequest.newBuilder().setUser(name)
                .setPassword("correct horse battery").build()).getToken();

        assertThat(CurationGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(token))
                .getPolicy(GetPolicyRequest.getDefaultInstance()).hasInformativenessThreshold()).isIn(true, false);
        assertThat(code(() -> StudyIngestGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(token))
                .getStudy(GetStudyRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    // The methods that take a token: every one of Glean's services but Identity.IssueToken.
    private static List<MethodDescriptor<?, ?>> guardedMethods() {
        List<MethodDescriptor<?, ?>> methods = SERVICES.stream().flatMap(service -> service.getMethods().stream())
                .filter(method -> !CallPermissions.open(method))
                .<MethodDescriptor<?, ?>>map(method -> method)
                .toList();
        assertThat(methods).hasSizeGreaterThan(15);
        return methods;
    }

    // One call with an empty request, as the method's kind allows; the status it ends with.
    private <Q, R> Status.Code call(MethodDescriptor<Q, R> method, String token) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
        if (token != null) {
            options = options.withCallCredentials(new BearerToken(token));
        }
        @SuppressWarnings("unchecked")
        Q empty = (Q) ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller()).getMessagePrototype();
        ClientCall<Q, R> call = channel.newCall(method, options);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(empty);
        call.halfClose();
        try {
            Status status = closed.get(30, TimeUnit.SECONDS);
            call.cancel("done", null);
            return status.getCode();
        } catch (Exception e) {
            call.cancel("no answer", e);
            throw new AssertionError(method.getFullMethodName() + " did not end", e);
        }
    }

    private static Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
