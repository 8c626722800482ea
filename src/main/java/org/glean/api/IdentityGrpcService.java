package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.glean.proto.v1.AddUserRequest;
import org.glean.proto.v1.AuditVerification;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.IssueTokenRequest;
import org.glean.proto.v1.IssuedToken;
import org.glean.proto.v1.ListAuditRequest;
import org.glean.proto.v1.ListAuditResponse;
import org.glean.proto.v1.User;
import org.glean.proto.v1.VerifyAuditRequest;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditRecord;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TokenService;
import org.glean.security.UserStore;

/** gRPC front of the built-in user store and the audit trail: sign-in for a token, adding users, reading the trail. */
@GrpcService
public class IdentityGrpcService extends IdentityGrpc.IdentityImplBase {

    private static final int DEFAULT_AUDIT_LIMIT = 100;

    private final TokenService tokens;
    private final UserStore users;
    private final AuditTrail trail;

    public IdentityGrpcService(TokenService tokens, UserStore users, AuditTrail trail) {
        this.tokens = tokens;
        this.users = users;
        this.trail = trail;
    }

    @Override
    @Blocking
    public void issueToken(IssueTokenRequest request, StreamObserver<IssuedToken> responseObserver) {
        tokens.signIn(request.getUser(), request.getPassword().toCharArray(), CallerAuthorization.peer())
                .ifPresentOrElse(issued -> {
                    responseObserver.onNext(IssuedToken.newBuilder().setToken(issued.token()).build());
                    responseObserver.onCompleted();
                }, () -> responseObserver.onError(Status.UNAUTHENTICATED.withDescription(TokenService.REFUSED)
                        .asRuntimeException()));
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
            char[] password = request.getPassword().toCharArray();
            if (!users.add(request.getName(), roles, password, CallerAuthorization.actor())) {
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

    @Override
    @Blocking
    public void listAudit(ListAuditRequest request, StreamObserver<ListAuditResponse> responseObserver) {
        AuditTrail.Filter filter;
        try {
            filter = new AuditTrail.Filter(
                    request.hasSince() ? Instant.ofEpochSecond(request.getSince().getSeconds(),
                            request.getSince().getNanos()) : null,
                    request.getActor().isEmpty() ? null : request.getActor(),
                    request.getAction().isEmpty() ? null : action(request.getAction()),
                    request.getStudyInstanceUid().isEmpty() ? null : request.getStudyInstanceUid(),
                    request.getLimit() == 0 ? DEFAULT_AUDIT_LIMIT : request.getLimit());
        } catch (IllegalArgumentException e) {
            responseObserver.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.AUDIT_READ)
                .study(filter.studyInstanceUid()).detail("list: since " + filter.since() + ", actor " + filter.actor()
                        + ", action " + filter.action() + ", limit " + filter.limit()));
        ListAuditResponse.Builder response = ListAuditResponse.newBuilder();
        trail.list(filter).forEach(row -> response.addEntries(message(row)));
        responseObserver.onNext(response.build());
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void verifyAudit(VerifyAuditRequest request, StreamObserver<AuditVerification> responseObserver) {
        AuditTrail.Verification verification = trail.verify();
        // recorded after the walk, so that a verification reports the trail as it was asked about
        trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.AUDIT_READ)
                .detail("verify: " + (verification.intact() ? verification.checked() + " rows intact"
                        : "row " + verification.firstBrokenId() + " broken")));
        AuditVerification.Builder message = AuditVerification.newBuilder().setChecked(verification.checked())
                .setIntact(verification.intact());
        if (!verification.intact()) {
            message.setFirstBrokenId(verification.firstBrokenId()).setProblem(verification.problem());
        }
        if (verification.headHash() != null) {
            message.setHeadHash(verification.headHash());
        }
        responseObserver.onNext(message.build());
        responseObserver.onCompleted();
    }

    private static AuditAction action(String name) {
        return Arrays.stream(AuditAction.values()).filter(action -> action.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown action " + name + "; actions are "
                        + Arrays.toString(AuditAction.values())));
    }

    private static org.glean.proto.v1.AuditEntry message(AuditRecord row) {
        org.glean.proto.v1.AuditEntry.Builder entry = org.glean.proto.v1.AuditEntry.newBuilder().setId(row.id())
                .setOccurredAt(CurationMessages.timestamp(row.occurredAt())).setActor(row.actor())
                .setAction(row.action()).setOutcome(row.outcome()).setDetail(row.detail()).setRowHash(row.rowHash());
        if (row.peer() != null) {
            entry.setPeer(row.peer());
        }
        if (row.study() != null) {
            entry.setStudy(row.study());
        }
        if (row.taskId() != null) {
            entry.setTaskId(row.taskId());
        }
        if (row.target() != null) {
            entry.setTarget(row.target());
        }
        if (row.fromState() != null) {
            entry.setFromState(row.fromState());
        }
        if (row.toState() != null) {
            entry.setToState(row.toState());
        }
        return entry.build();
    }
}
