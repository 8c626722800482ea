package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glean.curation.CurationService;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.dicom.DecodedImage;
import org.glean.inference.AnalysedStudy;
import org.glean.inference.BackendUnavailableException;
import org.glean.inference.InferenceService;
import org.glean.inference.NoModelException;
import org.glean.inference.ScoringOnReceipt;
import org.glean.ingest.ExaminedInstance;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceOutcome;
import org.glean.ingest.InstanceUpload;
import org.glean.ingest.InvalidInstanceException;
import org.glean.ingest.SizeLimitException;
import org.glean.ingest.StudyNotFoundException;
import org.glean.metrics.PipelineMetrics;
import org.glean.metrics.PipelineStage;
import org.glean.security.AuditTrail;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * One IngestStudy call: checks the chunk rules of the contract and feeds each instance to
 * {@link IngestService}. Flow control is manual — a chunk is requested only once an earlier one
 * is on disk, {@value #CHUNKS_AHEAD} ahead so that the next is at hand when a step ends — so a
 * call holds at most {@value #CHUNKS_AHEAD} chunks in memory however fast the client sends.
 * Instances go through two stages: receiving and examining (decoding) on the call's steps, one
 * after the other, then storing on the storers, in groups: whatever was examined while the
 * previous group was being stored is stored next, together (files flushed at once, one database
 * transaction), so that the disk's and the database's waits are paid per group, not per
 * instance. Receiving pauses while {@value #MAX_WAITING_INSTANCES} instances (or
 * {@value #MAX_WAITING_BYTES} bytes) wait, so memory holds their headers and the disk their
 * uploads, no more. Meanwhile the frames decoded on receipt go to the detector
 * ({@link ScoringOnReceipt}, on the detectors), and receiving pauses too while it is two batches
 * behind. The response, the call's acknowledgement, comes once every instance is stored and the
 * study is scored; the analysis is persisted only after the last instance is stored. The call
 * is one row of the audit trail: written with the study's completion, or, when the call fails,
 * by {@link CallerAuthorization}, or here when the client gives up after sending instances.
 * A client that sends nothing for {@code glean.limits.idle-stream-timeout} while Glean waits for
 * a chunk is answered DEADLINE_EXCEEDED and its unfinished instance discarded, so that a stalled
 * sender holds no upload, memory or call slot (nor a drain on shutdown) for long.
 */
final class IngestStudyCall implements StreamObserver<IngestChunk> {

    private static final Logger LOG = Logger.getLogger(IngestStudyCall.class);
    static final int CHUNKS_AHEAD = 2;
    static final int MAX_WAITING_INSTANCES = 64;
    static final long MAX_WAITING_BYTES = 64L << 20;

    private final IngestService ingest;
    private final ServerCallStreamObserver<StudyAnalysis> response;
    private final Executor workers;
    private final Executor storers;
    private final PipelineMetrics metrics;
    private final ScoringOnReceipt scoring;
    private final CurationService curation;
    private final CallAudit audit;
    private final AuditTrail trail;
    private final long startNanos = System.nanoTime();
    private final Duration idleTimeout;
    private final ScheduledFuture<?> idleCheck;
    // When a chunk last arrived or was asked for; and whether the client has sent its last one.
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean halfClosed;
    private CompletableFuture<Void> lastStep = CompletableFuture.completedFuture(null);

    // Touched only by the steps, which never overlap.
    private int expectedIndex;
    private int requested;
    private InstanceUpload upload;
    private String studyInstanceUid;
    private boolean ended;
    // Examined instances waiting for the group being stored to finish.
    private final List<ExaminedInstance> waiting = new ArrayList<>();
    private long waitingBytes;
    private boolean receivingPaused;
    private boolean detectorBehind;
    // The group being stored: completes with null, or with the status that refuses the call.
    private CompletableFuture<Status> storing = CompletableFuture.completedFuture(null);

    IngestStudyCall(IngestService ingest, InferenceService inference, CurationService curation,
            ServerCallStreamObserver<StudyAnalysis> response, Executor workers, Executor storers, Executor detectors,
            PipelineMetrics metrics, CallAudit audit, AuditTrail trail, Duration idleTimeout,
            ScheduledExecutorService timers) {
        this.ingest = ingest;
        this.audit = audit;
        this.trail = trail;
        this.metrics = metrics;
        this.response = response;
        this.workers = workers;
        this.storers = storers;
        this.scoring = inference.scoreOnReceipt(detectors);
        this.curation = curation;
        response.disableAutoRequest();
        response.setOnCancelHandler(() -> inTurn(this::cancelled));
        requested = CHUNKS_AHEAD;
        response.request(CHUNKS_AHEAD);
        this.idleTimeout = idleTimeout;
        long checkEvery = Math.max(50, idleTimeout.toMillis() / 10);
        idleCheck = timers.scheduleWithFixedDelay(() -> inTurn(this::endIfIdle), checkEvery, checkEvery,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onNext(IngestChunk chunk) {
        lastHeardNanos = System.nanoTime();
        inTurn(() -> receive(chunk));
    }

    @Override
    public void onError(Throwable clientError) {
        inTurn(this::cancelled);
    }

    @Override
    public void onCompleted() {
        halfClosed = true;
        inTurn(this::finish);
    }

    private synchronized void inTurn(Runnable step) {
        lastStep = lastStep.thenRunAsync(() -> {
            if (ended) {
                return;
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.error("IngestStudy call failed", e);
                fail(Status.INTERNAL.withDescription("Glean could not store the study; try again later").withCause(e));
            }
        }, workers);
    }

    private void receive(IngestChunk chunk) {
        requested--;
        int index = chunk.getInstanceIndex();
        if (upload == null && index != expectedIndex) {
            fail(Status.INVALID_ARGUMENT.withDescription("a chunk of instance_index " + index + " arrived where instance_index "
                    + expectedIndex + " was due; number the instances of a call 0, 1, 2, ... in the order sent"));
            return;
        }
        if (upload != null && index != expectedIndex) {
            fail(Status.INVALID_ARGUMENT.withDescription("instance_index " + expectedIndex
                    + " ended without a chunk marked last_chunk (the next chunk is of instance_index " + index + ")"));
            return;
        }
        String origin = "instance_index " + index;
        try {
            if (upload == null) {
                upload = ingest.newUpload();
            }
            upload.write(chunk.getData().asReadOnlyByteBuffer());
            if (chunk.getLastChunk()) {
                InstanceUpload complete = upload;
                upload = null;
                expectedIndex++;
                ExaminedInstance examined = examine(complete, origin);
                if (examined == null) {
                    return;
                }
                studyInstanceUid = examined.studyInstanceUid();
                audit.study(studyInstanceUid);
                waiting.add(examined);
                waitingBytes += examined.sizeBytes();
                storeWaitingIfIdle();
                receivingPaused = waiting.size() >= MAX_WAITING_INSTANCES || waitingBytes >= MAX_WAITING_BYTES;
            }
            requestMore();
        } catch (SizeLimitException e) {
            failAfterStoring(Status.RESOURCE_EXHAUSTED.withDescription(origin + ": " + e.getMessage()));
        } catch (IOException e) {
            LOG.errorf(e, "%s: receiving failed", origin);
            failAfterStoring(Status.INTERNAL.withDescription(origin + ": Glean could not store the instance; try again later")
                    .withCause(e));
        }
    }

    // Null when the instance is refused, and the call with it.
    private ExaminedInstance examine(InstanceUpload complete, String origin) {
        try {
            return ingest.examine(complete, studyInstanceUid, origin, this::toDetector);
        } catch (InvalidInstanceException e) {
            failAfterStoring(Status.INVALID_ARGUMENT.withDescription(origin + ": " + e.getMessage()));
            return null;
        }
    }

    private void toDetector(String contentSha256, DecodedImage decoded) {
        CompletableFuture<Void> room = scoring.add(contentSha256, decoded);
        if (!room.isDone()) {
            detectorBehind = true;
            room.thenRun(() -> inTurn(this::detectorCaughtUp));
        }
    }

    private void detectorCaughtUp() {
        detectorBehind = false;
        requestMore();
    }

    // Starts storing the waiting instances unless a group is being stored; a refused group
    // leaves them for afterGroup, which ends the call.
    private void storeWaitingIfIdle() {
        if (waiting.isEmpty() || !storing.isDone() || storing.join() != null) {
            return;
        }
        List<ExaminedInstance> group = takeWaiting();
        CompletableFuture<Status> stored = CompletableFuture.supplyAsync(() -> store(group), storers);
        storing = stored;
        stored.thenRun(() -> inTurn(() -> afterGroup(stored)));
    }

    private void afterGroup(CompletableFuture<Status> stored) {
        Status refusal = stored.join();
        if (refusal != null) {
            fail(refusal);
            return;
        }
        storeWaitingIfIdle();
        receivingPaused = false;
        requestMore();
    }

    private void requestMore() {
        if (!receivingPaused && !detectorBehind && requested < CHUNKS_AHEAD) {
            if (requested == 0) {
                lastHeardNanos = System.nanoTime(); // the client could not send until now
            }
            response.request(CHUNKS_AHEAD - requested);
            requested = CHUNKS_AHEAD;
        }
    }

    // Stores everything examined so far, on this step; returns the first refusal, if any.
    private Status drain() {
        Status refusal = storing.join();
        if (refusal != null || waiting.isEmpty()) {
            return refusal;
        }
        storing = CompletableFuture.completedFuture(store(takeWaiting()));
        return storing.join();
    }

    private List<ExaminedInstance> takeWaiting() {
        List<ExaminedInstance> group = List.copyOf(waiting);
        waiting.clear();
        waitingBytes = 0;
        return group;
    }

    // The first refused instance of the group names the call's status.
    private Status store(List<ExaminedInstance> group) {
        try {
            List<InstanceOutcome> outcomes = ingest.storeAll(group, true);
            for (int i = 0; i < group.size(); i++) {
                try {
                    if (!outcomes.get(i).isSkipped()) {
                        outcomes.get(i).storedOrThrow();
                    }
                } catch (InvalidInstanceException e) {
                    return Status.INVALID_ARGUMENT.withDescription(group.get(i).origin() + ": " + e.getMessage());
                } catch (SizeLimitException e) {
                    return Status.RESOURCE_EXHAUSTED.withDescription(group.get(i).origin() + ": " + e.getMessage());
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            String origins = group.get(0).origin()
                    + (group.size() == 1 ? "" : " to " + group.get(group.size() - 1).origin());
            LOG.errorf(e, "%s: storing failed", origins);
            return Status.INTERNAL.withDescription(origins + ": Glean could not store the instances; try again later")
                    .withCause(e);
        }
    }

    // Idle only while Glean waits for a chunk: not while it holds the client back (flow control).
    private void endIfIdle() {
        if (halfClosed || requested == 0 || System.nanoTime() - lastHeardNanos < idleTimeout.toNanos()) {
            return;
        }
        failAfterStoring(Status.DEADLINE_EXCEEDED.withDescription("no chunk arrived for " + idleTimeout.toSeconds()
                + " s while Glean waited for one (glean.limits.idle-stream-timeout), so the call was ended"
                + (expectedIndex == 0 ? "" : ": the " + expectedIndex + " instance(s) sent whole are stored")
                + (upload == null ? "" : (expectedIndex == 0 ? ": " : ", ") + "the unfinished instance_index "
                + expectedIndex + " was discarded") + "; send the study again, without long pauses between chunks"));
    }

    private void finish() {
        if (upload != null) {
            failAfterStoring(Status.INVALID_ARGUMENT.withDescription("instance_index " + expectedIndex
                    + ": the stream ended before its chunk marked last_chunk"));
            return;
        }
        // the last frames go to the detector while the last instances are stored
        scoring.lastInstanceReceived();
        Status refusal = drain();
        if (refusal != null) {
            fail(refusal);
            return;
        }
        if (studyInstanceUid == null) {
            fail(Status.INVALID_ARGUMENT.withDescription("the call carried no instance"));
            return;
        }
        ingest.completeStudy(studyInstanceUid, connection -> trail.append(connection, audit.entry()
                .detail(expectedIndex + " instance(s) in the call")));
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
            analysis = notScored(e.getMessage());
        } catch (BackendUnavailableException e) {
            fail(Status.UNAVAILABLE.withDescription("the study's instances are stored but it could not be scored: "
                    + e.getMessage() + "; send the study again later"));
            return;
        }
        ended = true;
        idleCheck.cancel(false);
        response.onNext(analysis);
        response.onCompleted();
        metrics.recordStudySince(startNanos);
    }

    private StudyAnalysis notScored(String reason) {
        try {
            return StudyAnalyses.of(ingest.study(studyInstanceUid), Optional.empty(), reason, Optional.empty());
        } catch (StudyNotFoundException e) {
            throw new IllegalStateException("study " + UidReference.of(studyInstanceUid)
                    + " vanished while it was received", e);
        }
    }

    // An earlier instance's refusal comes first: the call names the first instance that failed,
    // and every instance before it is stored.
    private void failAfterStoring(Status status) {
        Status earlier = drain();
        fail(earlier != null ? earlier : status);
    }

    private void fail(Status status) {
        abandon();
        if (status.getCode() != Status.Code.INTERNAL) {
            LOG.warnf("IngestStudy refused (%s): %s", status.getCode(), status.getDescription());
        }
        response.onError(status.asRuntimeException());
    }

    // The client gave up: no status goes back, so the row is written here once an instance came.
    private void cancelled() {
        abandon();
        if (studyInstanceUid != null) {
            trail.append(audit.failed(Status.Code.CANCELLED.name(), expectedIndex + " instance(s) before the client "
                    + "cancelled; those stored stay"));
        }
    }

    private void abandon() {
        ended = true;
        idleCheck.cancel(false);
        scoring.close();
        if (upload != null) {
            upload.discard();
            upload = null;
        }
        takeWaiting().forEach(ExaminedInstance::discard);
    }
}
