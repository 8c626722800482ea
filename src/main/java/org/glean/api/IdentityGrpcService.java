package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.EnumSet;
import java.util.Set;
import org.glean.api.v1.AddUserRequest;
import org.glean.api.v1.IdentityGrpc;
import org.glean.api.v1.IssueTokenRequest;
import org.glean.api.v1.IssuedToken;
import org.glean.api.v1.User;
import org.glean.security.Role;
import org.glean.security.TokenService;
import org.glean.security.UserStore;

/** gRPC front of the built-in user store: sign-in for a token, and adding users. */
@GrpcService
public class IdentityGrpcService extends IdentityGrpc.IdentityImplBase {

    private final TokenService tokens;
    private final UserStore users;

    public IdentityGrpcService(TokenService tokens, UserStore users) {
        this.tokens = tokens;
        this.users = users;
    }

    @Override
    @Blocking
    public void issueToken(IssueTokenRequest request, StreamObserver<IssuedToken> responseObserver) {
        tokens.issueForUser(request.getUser(), request.getPassword().toCharArray()).ifPresentOrElse(token -> {
            responseObserver.onNext(IssuedToken.newBuilder().setToken(token).build());
            responseObserver.onCompleted();
        }, () -> responseObserver.onError(Status.UNAUTHENTICATED
                .withDescription("unknown user or wrong password").asRuntimeException()));
    }

    @Override
    @Blocking
    public void addUser(AddUserRequest request, StreamObserver<User> responseObserver) {
        try {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String claim : request.getRolesList()) {
                roles.add(Role.ofClaim(claim).orElseThrow(() -> new IllegalArgumentException("unknown role " + claim
                        + "; roles are " + EnumSet.allOf(Role.class).stream().map(Role::claim).toList())));
            }
            if (!users.add(request.getName(), roles, request.getPassword().toCharArray())) {
                responseObserver.onError(Status.ALREADY_EXISTS.withDescription("user " + request.getName()
                        + " exists").asRuntimeException());
                return;
            }
            responseObserver.onNext(User.newBuilder().setName(request.getName())
                    .addAllRoles(roles.stream().map(Role::claim).toList()).build());
            responseObserver.onCompleted();
        } catch (IllegalArgumentException e) {
            responseObserver.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
    }
}
