package org.glean.api;

import static org.glean.api.UnaryAnswer.answer;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.curation.CurationService;
import org.glean.proto.v1.DeleteStudyRequest;
import org.glean.proto.v1.DeletedStudy;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.inference.InferenceService;
import org.glean.inference.StudyScores;
import org.glean.ingest.IngestService;
import org.glean.metrics.PipelineMetrics;
import org.glean.retention.StudyDeletion;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;

/**
 * gRPC front of {@link IngestService}, {@link InferenceService} (with {@link CurationService}'s
 * decisions) and {@link StudyDeletion}:
 * translates messages and maps failures to statuses. A study read is recorded in the audit trail
 * before it is answered.
 */
@GrpcService
public class StudyIngestGrpcService extends StudyIngestGrpc.StudyIngestImplBase {

    private final IngestService ingest;
    private final InferenceService inference;
    private final CurationService curation;
    private final PipelineMetrics metrics;
    private final StudyDeletion deletion;
    private final AuditTrail trail;
    // IngestStudy work off the event loop: receiving and decoding on workers, storing on
    // storers, the detector's batches on detectors. Separate pools, because a worker may wait for
    // a store or a batch and never the reverse; in one shared (or Quarkus' managed) executor,
    // waiting workers could take every thread from the work they wait for.
    private final ExecutorService workers = pool("ingest-grpc-");
    private final ExecutorService storers = pool("ingest-store-");
    private final ExecutorService detectors = pool("ingest-detect-");
    // Looks for IngestStudy calls whose client went silent.
    private final ScheduledExecutorService idleChecks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ingest-idle-check");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration idleStreamTimeout;

    public StudyIngestGrpcService(IngestService ingest, InferenceService inference, CurationService curation,
            PipelineMetrics metrics, StudyDeletion deletion, AuditTrail trail,
            @ConfigProperty(name = "glean.limits.idle-stream-timeout") Duration idleStreamTimeout) {
        this.ingest = ingest;
        this.inference = inference;
        this.curation = curation;
        this.metrics = metrics;
        this.deletion = deletion;
        this.trail = trail;
        if (idleStreamTimeout.isNegative() || idleStreamTimeout.isZero()) {
            throw new IllegalArgumentException("glean.limits.idle-stream-timeout must be positive, got " + idleStreamTimeout);
        }
        this.idleStreamTimeout = idleStreamTimeout;
    }

    @Override
    public StreamObserver<IngestChunk> ingestStudy(StreamObserver<StudyAnalysis> responseObserver) {
        return new IngestStudyCall(ingest, inference, curation, (ServerCallStreamObserver<StudyAnalysis>) responseObserver,
                workers, storers, detectors, metrics, CallerAuthorization.audit(), trail, idleStreamTimeout, idleChecks);
    }

    @Override
    @Blocking
    public void getStudy(GetStudyRequest request, StreamObserver<StudyAnalysis> responseObserver) {
        answer(responseObserver, () -> {
            String uid = request.getStudyInstanceUid();
            Optional<StudyScores> analysis = inference.stored(uid);
            StudyAnalysis study = StudyAnalyses.of(ingest.study(uid), analysis, inference.notScoredReason(),
                    analysis.flatMap(scores -> curation.decision(uid, scores.modelVersion())));
            trail.append(AuditEntry.of(CallerAuthorization.actor(), AuditAction.STUDY_READ).study(uid)
                    .detail(analysis.map(scores -> "analysis by model " + scores.modelVersion()).orElse("not scored")));
            return study;
        });
    }

    @Override
    @Blocking
    public void deleteStudy(DeleteStudyRequest request, StreamObserver<DeletedStudy> responseObserver) {
        answer(responseObserver, () -> {
            org.glean.retention.DeletedStudy deleted = deletion.delete(request.getStudyInstanceUid(),
                    CallerAuthorization.actor(), "DeleteStudy");
            return DeletedStudy.newBuilder().setStudyInstanceUid(deleted.studyInstanceUid())
                    .setSeries(deleted.series()).setInstances(deleted.instances()).setAnalyses(deleted.analyses())
                    .setTasks(deleted.tasks()).setSubmittedAnnotations(deleted.submittedAnnotations())
                    .setFilesRemoved(deleted.filesRemoved()).build();
        });
    }

    // After the graceful drain (org.glean.server.ServerShutdown): what still runs here has
    // outlasted glean.shutdown.drain-timeout and is cut off.
    @PreDestroy
    void stopWorkers() {
        workers.shutdownNow();
        storers.shutdownNow();
        detectors.shutdownNow();
        idleChecks.shutdownNow();
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
