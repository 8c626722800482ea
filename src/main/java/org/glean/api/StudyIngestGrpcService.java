package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PreDestroy;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.glean.api.v1.GetStudyRequest;
import org.glean.api.v1.IngestChunk;
import org.glean.api.v1.StudyAnalysis;
import org.glean.api.v1.StudyIngestGrpc;
import org.glean.inference.InferenceService;
import org.glean.inference.StudyScores;
import org.glean.ingest.IngestService;
import org.glean.ingest.StudyNotFoundException;
import org.glean.metrics.PipelineMetrics;

/** gRPC front of {@link IngestService} and {@link InferenceService}: translates messages and maps failures to statuses. */
@GrpcService
public class StudyIngestGrpcService extends StudyIngestGrpc.StudyIngestImplBase {

    private final IngestService ingest;
    private final InferenceService inference;
    private final PipelineMetrics metrics;
    // IngestStudy work off the event loop: receiving and decoding on workers, storing on
    // storers, the detector's batches on detectors. Separate pools, because a worker may wait for
    // a store or a batch and never the reverse.
    private final ExecutorService workers = pool("ingest-grpc-");
    private final ExecutorService storers = pool("ingest-store-");
    private final ExecutorService detectors = pool("ingest-detect-");

    public StudyIngestGrpcService(IngestService ingest, InferenceService inference, PipelineMetrics metrics) {
        this.ingest = ingest;
        this.inference = inference;
        this.metrics = metrics;
    }

    @Override
    public StreamObserver<IngestChunk> ingestStudy(StreamObserver<StudyAnalysis> responseObserver) {
        return new IngestStudyCall(ingest, inference, (ServerCallStreamObserver<StudyAnalysis>) responseObserver, workers,
                storers, detectors, metrics);
    }

    @Override
    @Blocking
    public void getStudy(GetStudyRequest request, StreamObserver<StudyAnalysis> responseObserver) {
        try {
            String uid = request.getStudyInstanceUid();
            Optional<StudyScores> analysis = inference.stored(uid);
            responseObserver.onNext(StudyAnalyses.of(ingest.study(uid), analysis, inference.notScoredReason(),
                    inference.decision(uid, analysis)));
            responseObserver.onCompleted();
        } catch (IllegalArgumentException e) {
            responseObserver.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        } catch (StudyNotFoundException e) {
            responseObserver.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    // After the graceful drain (org.glean.server.ServerShutdown): what still runs here has
    // outlasted glean.shutdown.drain-timeout and is cut off.
    @PreDestroy
    void stopWorkers() {
        workers.shutdownNow();
        storers.shutdownNow();
        detectors.shutdownNow();
    }

    private static ExecutorService pool(String threadNamePrefix) {
        AtomicInteger threadNumber = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), runnable -> {
            Thread thread = new Thread(runnable, threadNamePrefix + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
