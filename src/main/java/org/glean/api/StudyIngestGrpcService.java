package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import org.glean.api.v1.GetStudyRequest;
import org.glean.api.v1.IngestChunk;
import org.glean.api.v1.StudyAnalysis;
import org.glean.api.v1.StudyIngestGrpc;

@GrpcService
public class StudyIngestGrpcService extends StudyIngestGrpc.StudyIngestImplBase {

    @Override
    public StreamObserver<IngestChunk> ingestStudy(StreamObserver<StudyAnalysis> responseObserver) {
        throw Status.UNIMPLEMENTED.asRuntimeException();
    }

    @Override
    public void getStudy(GetStudyRequest request, StreamObserver<StudyAnalysis> responseObserver) {
        responseObserver.onError(Status.UNIMPLEMENTED.asRuntimeException());
    }
}
