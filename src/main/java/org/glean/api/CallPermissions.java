package org.glean.api;

import static org.glean.security.Role.ANNOTATOR;
import static org.glean.security.Role.CURATOR;
import static org.glean.security.Role.INFERENCE;
import static org.glean.security.Role.INGEST;

import io.grpc.MethodDescriptor;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.OutboxGrpc;
import org.glean.proto.v1.SourcesGrpc;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.security.Role;

/**
 * Which roles may make which call, in one table (admin may make every call). A call missing
 * here is refused: a new RPC is closed until it is listed.
 */
final class CallPermissions {

    /** Calls that need no token: gRPC health and reflection, and the password sign-in. */
    private static final Set<String> OPEN_SERVICES = Set.of("grpc.health.v1.Health",
            "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection");
    private static final Set<String> OPEN_METHODS = Set.of(IdentityGrpc.getIssueTokenMethod().getFullMethodName());

    private static final Map<String, Set<Role>> ROLES = new HashMap<>();

    static {
        allow(EnumSet.of(INGEST), StudyIngestGrpc.getIngestStudyMethod(), StudyIngestGrpc.getGetStudyMethod());
        allow(EnumSet.of(ANNOTATOR), CurationGrpc.getClaimNextTaskMethod(), CurationGrpc.getGetTaskMethod(),
                CurationGrpc.getSubmitAnnotationMethod(), CurationGrpc.getReleaseTaskMethod(),
                CurationGrpc.getSkipTaskMethod());
        allow(EnumSet.of(CURATOR), CurationGrpc.getListQueueMethod(), CurationGrpc.getGetPolicyMethod(),
                CurationGrpc.getSetPolicyMethod(), CurationGrpc.getExportAnnotationsMethod(),
                CurationGrpc.getExportInstanceMethod(),
                ModelsGrpc.getStartFineTuneMethod(), ModelsGrpc.getWatchJobMethod(), ModelsGrpc.getListModelsMethod(),
                ModelsGrpc.getPromoteMethod(), ModelsGrpc.getRollbackMethod());
        allow(EnumSet.of(CURATOR), OutboxGrpc.getListOutboxMethod());
        allow(EnumSet.of(CURATOR), SourcesGrpc.getListSourcesMethod(), SourcesGrpc.getPullSourceMethod());
        allow(EnumSet.of(INFERENCE), InferenceGrpc.getDetectMethod());
        allow(EnumSet.noneOf(Role.class), IdentityGrpc.getAddUserMethod(), IdentityGrpc.getListAuditMethod(),
                IdentityGrpc.getVerifyAuditMethod(), StudyIngestGrpc.getDeleteStudyMethod(),
                OutboxGrpc.getRetryDeliveryMethod());
    }

    private CallPermissions() {
    }

    private static void allow(Set<Role> roles, MethodDescriptor<?, ?>... methods) {
        for (MethodDescriptor<?, ?> method : methods) {
            ROLES.put(method.getFullMethodName(), roles);
        }
    }

    static boolean open(MethodDescriptor<?, ?> method) {
        return OPEN_METHODS.contains(method.getFullMethodName()) || OPEN_SERVICES.contains(method.getServiceName());
    }

    /** The roles besides admin that may make the call; empty for a call no table lists. */
    static Optional<Set<Role>> rolesFor(MethodDescriptor<?, ?> method) {
        return Optional.ofNullable(ROLES.get(method.getFullMethodName()));
    }
}
