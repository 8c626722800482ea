package org.glean.api;

import static org.glean.api.UnaryAnswer.answer;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.io.IOException;
import org.glean.pacs.SourcePass;
import org.glean.pacs.SourcePoller;
import org.glean.pacs.StudyMatch;
import org.glean.proto.v1.ListSourcesRequest;
import org.glean.proto.v1.ListSourcesResponse;
import org.glean.proto.v1.PassDone;
import org.glean.proto.v1.PullProgress;
import org.glean.proto.v1.PullSourceRequest;
import org.glean.proto.v1.SourceInfo;
import org.glean.proto.v1.SourcesGrpc;
import org.glean.proto.v1.StudiesFound;
import org.glean.proto.v1.StudyPulled;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/** gRPC front of the PACS sources: lists them, and runs one pass of a source with its progress. */
@GrpcService
public class SourcesGrpcService extends SourcesGrpc.SourcesImplBase {

    private final SourcePoller poller;
    private final AuditTrail trail;

    public SourcesGrpcService(SourcePoller poller, AuditTrail trail) {
        this.poller = poller;
        this.trail = trail;
    }

    @Override
    @Blocking
    public void listSources(ListSourcesRequest request, StreamObserver<ListSourcesResponse> responseObserver) {
        answer(responseObserver, () -> {
            ListSourcesResponse.Builder response = ListSourcesResponse.newBuilder();
            for (SourcePoller.SourceSummary source : poller.sources()) {
                SourceInfo.Builder info = SourceInfo.newBuilder().setName(source.name())
                        .setLocation(source.location()).setPolled(source.polled())
                        .setFailuresInARow(source.status().failuresInARow())
                        .setStudiesTaken(source.checkpoint().studiesTaken());
                if (source.status().lastPassEnded() != null) {
                    info.setLastPassEnded(CurationMessages.timestamp(source.status().lastPassEnded()));
                }
                if (source.status().lastError() != null) {
                    info.setLastError(source.status().lastError());
                }
                if (source.status().nextPass() != null) {
                    info.setNextPass(CurationMessages.timestamp(source.status().nextPass()));
                }
                if (source.checkpoint().lastTaken() != null) {
                    info.setLastStudyTaken(CurationMessages.timestamp(source.checkpoint().lastTaken()));
                }
                response.addSources(info);
            }
            trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.SOURCES_READ)
                    .detail(response.getSourcesCount() + " sources"));
            return response.build();
        });
    }

    @Override
    @Blocking
    public void pullSource(PullSourceRequest request, StreamObserver<PullProgress> responseObserver) {
        ServerCallStreamObserver<PullProgress> stream = (ServerCallStreamObserver<PullProgress>) responseObserver;
        String name = request.getSource();
        if (!poller.sourceNames().contains(name)) {
            stream.onError(Status.NOT_FOUND.withDescription("no PACS source named '" + name + "'; configured: "
                    + String.join(", ", poller.sourceNames())).asRuntimeException());
            return;
        }
        Actor caller = CallerAuthorization.actor();
        SourcePass.Outcome outcome;
        try {
            outcome = poller.passNow(name, new StreamedProgress(stream));
        } catch (IOException e) {
            stream.onError(Status.UNAVAILABLE.withDescription("PACS source " + name + ": "
                    + SourcePoller.describe(e)).asRuntimeException());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.onError(Status.CANCELLED.withDescription("the server stopped during the pass").asRuntimeException());
            return;
        }
        trail.append(AuditEntry.of(caller, AuditAction.SOURCE_PULLED).target("source " + name).detail(
                outcome.taken() + " studies taken, " + outcome.partlyTaken() + " in part (" + outcome.instancesStored()
                        + " instances stored, " + outcome.instancesRefused() + " refused); " + outcome.matched()
                        + " matched, "
                        + outcome.alreadyTaken() + " taken before"));
        stream.onNext(PullProgress.newBuilder().setDone(PassDone.newBuilder().setMatched(outcome.matched())
                .setAlreadyTaken(outcome.alreadyTaken()).setTaken(outcome.taken())
                .setInstancesStored(outcome.instancesStored()).setInstancesRefused(outcome.instancesRefused())
                .setPartlyTaken(outcome.partlyTaken()))
                .build());
        stream.onCompleted();
    }

    /** The pass's progress as messages; a client that went away ends the pass after its study. */
    private record StreamedProgress(ServerCallStreamObserver<PullProgress> stream) implements SourcePass.Progress {

        @Override
        public void found(int matched, int alreadyTaken) {
            send(PullProgress.newBuilder().setFound(StudiesFound.newBuilder().setMatched(matched)
                    .setAlreadyTaken(alreadyTaken)).build());
        }

        @Override
        public void taken(int position, int total, StudyMatch study, SourcePass.TakenStudy taken) {
            send(PullProgress.newBuilder().setStudy(StudyPulled.newBuilder().setPosition(position).setTotal(total)
                    .setOutcome(taken.whole() ? "TAKEN" : "PARTIAL").setInstancesStored(taken.stored())
                    .setInstancesRefused(taken.refused()).setInstancesMissing(taken.missing())).build());
        }

        @Override
        public void failed(int position, int total, StudyMatch study, Exception failure) {
            send(PullProgress.newBuilder().setStudy(StudyPulled.newBuilder().setPosition(position).setTotal(total)
                    .setOutcome("FAILED").setError(SourcePoller.describe(failure))).build());
        }

        private void send(PullProgress progress) {
            if (stream.isCancelled()) {
                throw new IllegalStateException("the client cancelled the pull");
            }
            stream.onNext(progress);
        }
    }
}
