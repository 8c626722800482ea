package org.glean.api;

import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.IdentityGrpc;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.OutboxGrpc;
import org.glean.proto.v1.SourcesGrpc;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.security.AuditAction;

/**
 * The audit trail's action for every guarded call, in one table: a refused or failed call is
 * recorded under it by {@link CallerAuthorization}, a successful one by whatever carries it out.
 */
final class CallActions {

    private static final Map<String, AuditAction> ACTIONS = new HashMap<>();

    static {
        put(StudyIngestGrpc.getIngestStudyMethod(), AuditAction.STUDY_RECEIVED);
        put(StudyIngestGrpc.getGetStudyMethod(), AuditAction.STUDY_READ);
        put(StudyIngestGrpc.getDeleteStudyMethod(), AuditAction.STUDY_DELETED);
        put(CurationGrpc.getGetPolicyMethod(), AuditAction.POLICY_READ);
        put(CurationGrpc.getSetPolicyMethod(), AuditAction.POLICY_CHANGED);
        put(CurationGrpc.getListQueueMethod(), AuditAction.QUEUE_READ);
        put(CurationGrpc.getClaimNextTaskMethod(), AuditAction.CLAIMED);
        put(CurationGrpc.getGetTaskMethod(), AuditAction.TASK_READ);
        put(CurationGrpc.getSubmitAnnotationMethod(), AuditAction.SUBMITTED);
        put(CurationGrpc.getReleaseTaskMethod(), AuditAction.RELEASED);
        put(CurationGrpc.getSkipTaskMethod(), AuditAction.SKIPPED);
        put(CurationGrpc.getExportAnnotationsMethod(), AuditAction.ANNOTATIONS_EXPORTED);
        put(CurationGrpc.getExportInstanceMethod(), AuditAction.INSTANCE_EXPORTED);
        put(ModelsGrpc.getListModelsMethod(), AuditAction.MODELS_READ);
        put(ModelsGrpc.getStartFineTuneMethod(), AuditAction.FINE_TUNE_STARTED);
        put(ModelsGrpc.getWatchJobMethod(), AuditAction.JOB_READ);
        put(ModelsGrpc.getPromoteMethod(), AuditAction.PROMOTED);
        put(ModelsGrpc.getRollbackMethod(), AuditAction.ROLLED_BACK);
        put(InferenceGrpc.getDetectMethod(), AuditAction.DETECTED);
        put(IdentityGrpc.getIssueTokenMethod(), AuditAction.TOKEN_ISSUED);
        put(IdentityGrpc.getAddUserMethod(), AuditAction.USER_ADDED);
        put(IdentityGrpc.getListAuditMethod(), AuditAction.AUDIT_READ);
        put(IdentityGrpc.getVerifyAuditMethod(), AuditAction.AUDIT_READ);
        put(OutboxGrpc.getListOutboxMethod(), AuditAction.OUTBOX_READ);
        put(OutboxGrpc.getRetryDeliveryMethod(), AuditAction.OUTBOX_RETRIED);
        put(SourcesGrpc.getListSourcesMethod(), AuditAction.SOURCES_READ);
        put(SourcesGrpc.getPullSourceMethod(), AuditAction.SOURCE_PULLED);
    }

    private CallActions() {
    }

    private static void put(MethodDescriptor<?, ?> method, AuditAction action) {
        ACTIONS.put(method.getFullMethodName(), action);
    }

    /** The call's action; IllegalStateException for a call missing here, which must be added. */
    static AuditAction of(MethodDescriptor<?, ?> method) {
        AuditAction action = ACTIONS.get(method.getFullMethodName());
        if (action == null) {
            throw new IllegalStateException(method.getFullMethodName() + " has no audit action in CallActions");
        }
        return action;
    }
}
