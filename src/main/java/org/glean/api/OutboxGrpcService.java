package org.glean.api;

import static org.glean.api.UnaryAnswer.answer;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import org.glean.pacs.Outbox;
import org.glean.pacs.OutboxDelivery;
import org.glean.proto.v1.ListOutboxRequest;
import org.glean.proto.v1.ListOutboxResponse;
import org.glean.proto.v1.OutboxEntry;
import org.glean.proto.v1.OutboxGrpc;
import org.glean.proto.v1.RetryDeliveryRequest;
import org.glean.proto.v1.RetryDeliveryResponse;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/** gRPC front of the PACS outbox: lists the deliveries of results to the PACS, and queues a failed one again. */
@GrpcService
public class OutboxGrpcService extends OutboxGrpc.OutboxImplBase {

    private static final int DEFAULT_LIMIT = 100;

    private final Outbox outbox;
    private final OutboxDelivery delivery;
    private final AuditTrail trail;

    public OutboxGrpcService(Outbox outbox, OutboxDelivery delivery, AuditTrail trail) {
        this.outbox = outbox;
        this.delivery = delivery;
        this.trail = trail;
    }

    @Override
    @Blocking
    public void listOutbox(ListOutboxRequest request, StreamObserver<ListOutboxResponse> responseObserver) {
        answer(responseObserver, () -> {
            Outbox.Filter filter = new Outbox.Filter(blankToNull(request.getDestination()),
                    request.getState().isEmpty() ? null : Outbox.State.named(request.getState()),
                    blankToNull(request.getStudyInstanceUid()),
                    request.getLimit() == 0 ? DEFAULT_LIMIT : (int) Math.min(request.getLimit(), Integer.MAX_VALUE));
            ListOutboxResponse.Builder response = ListOutboxResponse.newBuilder();
            outbox.list(filter).forEach(entry -> response.addDeliveries(message(entry)));
            trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.OUTBOX_READ)
                    .study(filter.studyInstanceUid()).detail(response.getDeliveriesCount() + " deliveries: destination "
                            + filter.destination() + ", state " + filter.state() + ", limit " + filter.limit()));
            return response.build();
        });
    }

    @Override
    @Blocking
    public void retryDelivery(RetryDeliveryRequest request, StreamObserver<RetryDeliveryResponse> responseObserver) {
        Outbox.Requeue requeue = outbox.requeue(request.getId());
        if (requeue != Outbox.Requeue.QUEUED) {
            responseObserver.onError((requeue == Outbox.Requeue.NOT_FOUND ? Status.NOT_FOUND
                    .withDescription("no outbox delivery #" + request.getId())
                    : Status.FAILED_PRECONDITION.withDescription("outbox delivery #" + request.getId()
                            + " is not FAILED; only a delivery given up can be queued again")).asRuntimeException());
            return;
        }
        trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.OUTBOX_RETRIED)
                .target("delivery " + request.getId()).detail("queued again after it failed"));
        delivery.wake();
        responseObserver.onNext(RetryDeliveryResponse.getDefaultInstance());
        responseObserver.onCompleted();
    }

    private static OutboxEntry message(Outbox.Entry entry) {
        OutboxEntry.Builder message = OutboxEntry.newBuilder()
                .setId(entry.id())
                .setDestination(entry.destination())
                .setKind(entry.kind().code())
                .setSopInstanceUid(entry.sopInstanceUid())
                .setStudyInstanceUid(entry.studyInstanceUid())
                .setState(entry.state().name())
                .setAttempts(entry.attempts())
                .setCreatedAt(CurationMessages.timestamp(entry.createdAt()));
        if (entry.lastError() != null) {
            message.setLastError(entry.lastError());
        }
        if (entry.state() == Outbox.State.DELIVERED) {
            message.setDeliveredAt(CurationMessages.timestamp(entry.deliveredAt()));
        } else {
            message.setNextAttemptAt(CurationMessages.timestamp(entry.nextAttemptAt()));
        }
        return message.build();
    }

    private static String blankToNull(String text) {
        return text.isBlank() ? null : text;
    }
}
