package org.glean.api;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.glean.proto.v1.DetectRequest;
import org.glean.proto.v1.DetectResponse;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.detector.ModalityFrame;
import org.glean.inference.DetectedFrames;
import org.glean.inference.InferenceMessages;
import org.glean.inference.LocalDetectionBackend;
import org.glean.inference.NoModelException;

/** gRPC front of this process's detector, for servers in remote inference mode. */
@GrpcService
public class InferenceGrpcService extends InferenceGrpc.InferenceImplBase {

    private final LocalDetectionBackend detector;

    public InferenceGrpcService(LocalDetectionBackend detector) {
        this.detector = detector;
    }

    @Override
    @Blocking
    public void detect(DetectRequest request, StreamObserver<DetectResponse> responseObserver) {
        try {
            responseObserver.onNext(answer(request));
            responseObserver.onCompleted();
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
        }
    }

    // A refusal is thrown as the status the contract names.
    private DetectResponse answer(DetectRequest request) {
        List<ModalityFrame> frames = new ArrayList<>(request.getFramesCount());
        try {
            for (int i = 0; i < request.getFramesCount(); i++) {
                frames.add(InferenceMessages.frame(request.getFrames(i), i));
            }
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        DetectedFrames detected;
        Context call = Context.current();
        try {
            detected = detector.detect(frames, call::isCancelled);
        } catch (NoModelException e) {
            throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        } catch (CancellationException e) {
            throw Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException(); // answered already, or gone
        }
        DetectResponse.Builder response = DetectResponse.newBuilder().setModelVersion(detected.modelVersion())
                .addAllClasses(detected.classes());
        if (detected.statistics() != null) {
            response.setNormalisationStatistics(detected.statistics().toJson());
        }
        detected.frames().forEach(objects -> response.addFrames(InferenceMessages.frameObjects(objects)));
        return response.build();
    }
}
