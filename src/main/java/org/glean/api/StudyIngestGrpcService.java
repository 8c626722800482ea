package org.glean.api;

import static org.glean.api.UnaryAnswer.answer;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.Optional;
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
import org.glean.ingest.StreamedIngest;
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
    private final StreamedIngest streams;

    public StudyIngestGrpcService(IngestService ingest, StreamedIngest streams, InferenceService inference,
            CurationService curation, PipelineMetrics metrics, StudyDeletion deletion, AuditTrail trail) {
        this.ingest = ingest;
        this.inference = inference;
        this.curation = curation;
        this.metrics = metrics;
        this.deletion = deletion;
        this.trail = trail;
        this.streams = streams;
    }

    @Override
    public StreamObserver<IngestChunk> ingestStudy(StreamObserver<StudyAnalysis> responseObserver) {
        return new IngestStudyCall(ingest, streams, inference, curation,
                (ServerCallStreamObserver<StudyAnalysis>) responseObserver, metrics, CallerAuthorization.audit(), trail);
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
}
