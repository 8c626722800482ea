package org.glean.api;

import static org.glean.api.UnaryAnswer.answer;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.concurrent.atomic.AtomicReference;
import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.ListModelsRequest;
import org.glean.proto.v1.ListModelsResponse;
import org.glean.proto.v1.ModelVersion;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.PromoteRequest;
import org.glean.proto.v1.RollbackRequest;
import org.glean.proto.v1.StartFineTuneRequest;
import org.glean.proto.v1.WatchJobRequest;
import org.glean.training.FineTuneJobs;
import org.glean.training.JobNotFoundException;
import org.glean.training.ModelPromotion;

/** gRPC front of fine-tuning jobs and model promotion: translates messages and maps refusals to statuses. */
@GrpcService
public class ModelsGrpcService extends ModelsGrpc.ModelsImplBase {

    private final FineTuneJobs jobs;
    private final ModelPromotion promotion;

    public ModelsGrpcService(FineTuneJobs jobs, ModelPromotion promotion) {
        this.jobs = jobs;
        this.promotion = promotion;
    }

    @Override
    @Blocking
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responseObserver) {
        answer(responseObserver, () -> {
            ListModelsResponse.Builder response = ListModelsResponse.newBuilder();
            promotion.versions().forEach(version -> response.addVersions(ModelsMessages.of(version)));
            return response.build();
        });
    }

    @Override
    @Blocking
    public void startFineTune(StartFineTuneRequest request, StreamObserver<FineTuneJob> responseObserver) {
        answer(responseObserver, () -> ModelsMessages.of(jobs.start(org.glean.training.FineTuneJob.Trigger.MANUAL,
                CallerAuthorization.actor(), request.hasEpochs() ? request.getEpochs() : null,
                request.hasLearningRate() ? request.getLearningRate() : null)));
    }

    @Override
    @Blocking
    public void watchJob(WatchJobRequest request, StreamObserver<FineTuneJob> responseObserver) {
        ServerCallStreamObserver<FineTuneJob> stream = (ServerCallStreamObserver<FineTuneJob>) responseObserver;
        AtomicReference<FineTuneJobs.Watch> watch = new AtomicReference<>();
        stream.setOnCancelHandler(() -> {
            if (watch.get() != null) {
                watch.get().close();
            }
        });
        try {
            watch.set(jobs.watch(request.getJobId(), job -> {
                if (stream.isCancelled()) {
                    throw new IllegalStateException("the client cancelled the call");
                }
                stream.onNext(ModelsMessages.of(job));
                if (job.finished()) {
                    stream.onCompleted();
                }
            }));
        } catch (JobNotFoundException e) {
            stream.onError(UnaryAnswer.statusOf(e).withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    @Blocking
    public void promote(PromoteRequest request, StreamObserver<ModelVersion> responseObserver) {
        answer(responseObserver, () -> ModelsMessages.of(promotion.promote(request.getVersionId(),
                CallerAuthorization.actor(), request.getReason().strip())));
    }

    @Override
    @Blocking
    public void rollback(RollbackRequest request, StreamObserver<ModelVersion> responseObserver) {
        answer(responseObserver, () -> ModelsMessages.of(promotion.rollback(CallerAuthorization.actor(),
                request.getReason().strip())));
    }
}
