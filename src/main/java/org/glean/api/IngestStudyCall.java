package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.glean.curation.CurationService;
import org.glean.inference.AnalysedStudy;
import org.glean.inference.BackendUnavailableException;
import org.glean.inference.InferenceService;
import org.glean.inference.NoModelException;
import org.glean.inference.ScoringOnReceipt;
import org.glean.ingest.IngestRefusal;
import org.glean.ingest.IngestService;
import org.glean.ingest.StreamedIngest;
import org.glean.ingest.StreamedStudy;
import org.glean.ingest.StudyNotFoundException;
import org.glean.metrics.PipelineMetrics;
import org.glean.metrics.PipelineStage;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.security.AuditTrail;
import org.glean.security.SameTransaction;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * One IngestStudy call: a {@link StreamedStudy} (which receives, stores and hands the decoded
 * frames to {@link ScoringOnReceipt}) with gRPC's flow control, its chunks and its answer. The
 * response, the call's acknowledgement, comes once every instance is stored and the study is
 * scored. The call is one row of the audit trail: written with the study's completion, or, when
 * the call fails, by {@link CallerAuthorization}, or here when the client gives up after sending
 * instances.
 */
final class IngestStudyCall implements StreamObserver<IngestChunk>, StreamedStudy.Front {

    private static final Logger LOG = Logger.getLogger(IngestStudyCall.class);

    private final IngestService ingest;
    private final ServerCallStreamObserver<StudyAnalysis> response;
    private final PipelineMetrics metrics;
    private final ScoringOnReceipt scoring;
    private final CurationService curation;
    private final CallAudit audit;
    private final AuditTrail trail;
    private final long startNanos = System.nanoTime();
    private final StreamedStudy stream;

    IngestStudyCall(IngestService ingest, StreamedIngest streams, InferenceService inference,
            CurationService curation, ServerCallStreamObserver<StudyAnalysis> response, PipelineMetrics metrics,
            CallAudit audit, AuditTrail trail) {
        this.ingest = ingest;
        this.audit = audit;
        this.trail = trail;
        this.metrics = metrics;
        this.response = response;
        this.scoring = inference.scoreOnReceipt();
        this.curation = curation;
        response.disableAutoRequest();
        this.stream = streams.open(this, scoring);
        response.setOnCancelHandler(stream::senderGone);
    }

    @Override
    public void onNext(IngestChunk chunk) {
        stream.chunk(chunk.getInstanceIndex(), chunk.getData().asReadOnlyByteBuffer(), chunk.getLastChunk());
    }

    @Override
    public void onError(Throwable clientError) {
        stream.senderGone();
    }

    @Override
    public void onCompleted() {
        stream.senderDone();
    }

    @Override
    public void request(int chunks) {
        response.request(chunks);
    }

    @Override
    public void studyKnown(String studyInstanceUid) {
        audit.study(studyInstanceUid);
    }

    @Override
    public SameTransaction completionRow(int instances) {
        return connection -> trail.append(connection, audit.entry().detail(instances + " instance(s) in the call"));
    }

    @Override
    public void stored(String studyInstanceUid) {
        StudyAnalysis analysis;
        try {
            AnalysedStudy analysed = scoring.finish(studyInstanceUid);
            // what was persisted, so that GetStudy answers the same; the decision was taken in the
            // analysis' transaction
            long answerStart = System.nanoTime();
            analysis = StudyAnalyses.of(analysed.study(), Optional.of(analysed.scores()), "",
                    curation.decision(studyInstanceUid, analysed.scores().modelVersion()));
            metrics.recordSince(PipelineStage.ANSWER, answerStart);
        } catch (NoModelException e) {
            analysis = notScored(studyInstanceUid, e.getMessage());
        } catch (BackendUnavailableException e) {
            answerError(Status.UNAVAILABLE.withDescription("the study's instances are stored but it could not be "
                    + "scored: " + e.getMessage() + "; send the study again later"));
            return;
        }
        response.onNext(analysis);
        response.onCompleted();
        metrics.recordStudySince(startNanos);
    }

    @Override
    public void refused(IngestRefusal refusal) {
        Status status = switch (refusal.kind()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case IDLE -> Status.DEADLINE_EXCEEDED;
            case FAILED -> Status.INTERNAL;
        };
        answerError(status.withDescription(refusal.description()).withCause(refusal.cause()));
    }

    // The client gave up: no status goes back, so the row is written here once an instance came.
    @Override
    public void cancelled(String studyInstanceUid, int instances) {
        if (studyInstanceUid != null) {
            trail.append(audit.failed(Status.Code.CANCELLED.name(), instances + " instance(s) before the client "
                    + "cancelled; those stored stay"));
        }
    }

    private StudyAnalysis notScored(String studyInstanceUid, String reason) {
        try {
            return StudyAnalyses.of(ingest.study(studyInstanceUid), Optional.empty(), reason, Optional.empty());
        } catch (StudyNotFoundException e) {
            throw new IllegalStateException("study " + UidReference.of(studyInstanceUid)
                    + " vanished while it was received", e);
        }
    }

    private void answerError(Status status) {
        if (status.getCode() != Status.Code.INTERNAL) {
            LOG.warnf("IngestStudy refused (%s): %s", status.getCode(), status.getDescription());
        }
        response.onError(status.asRuntimeException());
    }
}
