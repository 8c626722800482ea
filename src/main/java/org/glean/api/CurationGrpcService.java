package org.glean.api;

import static org.glean.api.UnaryAnswer.answer;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.ClaimNextTaskResponse;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.CurationPolicy;
import org.glean.proto.v1.ExportAnnotationsRequest;
import org.glean.proto.v1.ExportInstanceRequest;
import org.glean.proto.v1.ExportedInstanceChunk;
import org.glean.proto.v1.ExportedImage;
import org.glean.proto.v1.ExportedTask;
import org.glean.proto.v1.GetPolicyRequest;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.ListQueueResponse;
import org.glean.proto.v1.ReleaseTaskRequest;
import org.glean.proto.v1.SetPolicyRequest;
import org.glean.proto.v1.SkipTaskRequest;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.curation.CurationService;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.training.AnnotationExport;
import org.glean.training.InstanceNotExportedException;
import org.jboss.logging.Logger;

/**
 * gRPC front of {@link CurationService}: translates messages and maps refusals to statuses. Reads
 * of tasks and annotations are recorded in the audit trail before they are answered; changes are
 * recorded by the service, with the change.
 */
@GrpcService
public class CurationGrpcService extends CurationGrpc.CurationImplBase {

    private static final int DEFAULT_QUEUE_LIMIT = 100;

    private static final Logger LOG = Logger.getLogger(CurationGrpcService.class);

    private final CurationService curation;
    private final AnnotationExport export;
    private final AuditTrail trail;

    public CurationGrpcService(CurationService curation, AnnotationExport export, AuditTrail trail) {
        this.curation = curation;
        this.export = export;
        this.trail = trail;
    }

    @Override
    @Blocking
    public void getPolicy(GetPolicyRequest request, StreamObserver<CurationPolicy> responseObserver) {
        answer(responseObserver, () -> CurationMessages.of(curation.policy()));
    }

    @Override
    @Blocking
    public void setPolicy(SetPolicyRequest request, StreamObserver<CurationPolicy> responseObserver) {
        answer(responseObserver, () -> CurationMessages.of(curation.setPolicy(new org.glean.curation.CurationPolicy.Change(
                request.hasInformativenessThreshold() ? request.getInformativenessThreshold() : null,
                request.getBudgetPerPeriod(),
                request.hasBudgetPeriod() ? duration(request.getBudgetPeriod()) : Duration.ofDays(1),
                CallerAuthorization.actor()))));
    }

    @Override
    @Blocking
    public void listQueue(ListQueueRequest request, StreamObserver<ListQueueResponse> responseObserver) {
        answer(responseObserver, () -> {
            CurationService.Queue queue = curation.readQueue(CallerAuthorization.actor(),
                    request.getLimit() == 0 ? DEFAULT_QUEUE_LIMIT : Integer.toUnsignedLong(request.getLimit()));
            ListQueueResponse.Builder response = ListQueueResponse.newBuilder().setWaiting(queue.waiting());
            queue.tasks().forEach(task -> response.addTasks(CurationMessages.of(task)));
            return response.build();
        });
    }

    @Override
    @Blocking
    public void claimNextTask(ClaimNextTaskRequest request, StreamObserver<ClaimNextTaskResponse> responseObserver) {
        answer(responseObserver, () -> {
            ClaimNextTaskResponse.Builder response = ClaimNextTaskResponse.newBuilder();
            curation.claimNext(CallerAuthorization.actor(), request.hasLease() ? duration(request.getLease()) : null)
                    .ifPresent(task -> response.setTask(CurationMessages.of(task)));
            return response.build();
        });
    }

    @Override
    @Blocking
    public void getTask(GetTaskRequest request, StreamObserver<AnnotationTask> responseObserver) {
        answer(responseObserver, () -> {
            org.glean.curation.AnnotationTask task = curation.taskReadBy(request.getTaskId(),
                    CallerAuthorization.current());
            trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.TASK_READ).task(task.id())
                    .study(task.studyInstanceUid()).detail(task.state() + ", " + task.images().size() + " frame(s)"));
            return CurationMessages.of(task);
        });
    }

    @Override
    @Blocking
    public void submitAnnotation(SubmitAnnotationRequest request, StreamObserver<AnnotationTask> responseObserver) {
        answer(responseObserver, () -> {
            return CurationMessages.of(curation.submit(request.getTaskId(), CallerAuthorization.actor(),
                    CurationMessages.annotations(request.getImagesList())));
        });
    }

    @Override
    @Blocking
    public void releaseTask(ReleaseTaskRequest request, StreamObserver<AnnotationTask> responseObserver) {
        answer(responseObserver, () -> CurationMessages.of(curation.release(request.getTaskId(),
                CallerAuthorization.actor())));
    }

    @Override
    @Blocking
    public void skipTask(SkipTaskRequest request, StreamObserver<AnnotationTask> responseObserver) {
        answer(responseObserver, () -> CurationMessages.of(curation.skip(request.getTaskId(),
                CallerAuthorization.actor(), request.getReason())));
    }

    @Override
    @Blocking
    public void exportAnnotations(ExportAnnotationsRequest request, StreamObserver<ExportedTask> responseObserver) {
        trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.ANNOTATIONS_EXPORTED)
                .detail("every submitted task, " + curation.submittedCount() + " when the export began"));
        ReadySender<ExportedTask> sender = new ReadySender<>((ServerCallStreamObserver<ExportedTask>) responseObserver);
        try {
            export.forEachSubmitted(task -> {
                try {
                    sender.send(exported(task));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            return; // the client went away; nothing to answer
        }
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void exportInstance(ExportInstanceRequest request, StreamObserver<ExportedInstanceChunk> responseObserver) {
        ServerCallStreamObserver<ExportedInstanceChunk> call =
                (ServerCallStreamObserver<ExportedInstanceChunk>) responseObserver;
        trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.INSTANCE_EXPORTED)
                .detail("a de-identified copy of instance " + request.getSopInstanceUid()));
        try (ChunkedOutput<ExportedInstanceChunk> out = new ChunkedOutput<>(call,
                data -> ExportedInstanceChunk.newBuilder().setData(data).build())) {
            export.writeInstance(request.getSopInstanceUid(), out);
        } catch (InstanceNotExportedException e) {
            call.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IOException e) {
            if (!call.isCancelled()) {
                LOG.errorf(e, "Exporting a de-identified instance failed");
                call.onError(Status.INTERNAL.withDescription("the de-identified copy could not be made: "
                        + e.getMessage()).asRuntimeException());
            }
            return;
        }
        call.onCompleted();
    }

    private static ExportedTask exported(org.glean.curation.AnnotationTask task) {
        ExportedTask.Builder message = ExportedTask.newBuilder()
                .setTaskId(task.id())
                .setStudyInstanceUid(task.studyInstanceUid())
                .setModelVersion(task.modelVersion())
                .setAnnotatorId(task.annotatorId())
                .setSubmittedAt(CurationMessages.timestamp(task.submittedAt()))
                .addAllClasses(task.classNames());
        for (org.glean.curation.AnnotationTask.Image image : task.images()) {
            ExportedImage.Builder frame = ExportedImage.newBuilder()
                    .setSopInstanceUid(image.sopInstanceUid())
                    .setFrame(image.frame())
                    .setRows(image.rows())
                    .setColumns(image.columns());
            image.annotation().forEach(box -> frame.addBoxes(CurationMessages.box(box)));
            message.addImages(frame);
        }
        return message.build();
    }

    private static Duration duration(com.google.protobuf.Duration duration) {
        return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
    }
}
