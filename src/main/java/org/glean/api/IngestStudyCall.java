package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.glean.api.v1.IngestChunk;
import org.glean.api.v1.StudyAnalysis;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceUpload;
import org.glean.ingest.InvalidInstanceException;
import org.glean.ingest.SizeLimitException;
import org.glean.ingest.StoredInstance;
import org.glean.ingest.StudyNotFoundException;
import org.jboss.logging.Logger;

/**
 * One IngestStudy call: checks the chunk rules of the contract and feeds each instance's
 * chunks to {@link IngestService}. Flow control is manual — the next chunk is requested only
 * once the previous one is on disk — so a call holds one chunk in memory however fast the
 * client sends. The work runs on worker threads, one step after the other.
 */
final class IngestStudyCall implements StreamObserver<IngestChunk> {

    private static final Logger LOG = Logger.getLogger(IngestStudyCall.class);

    private final IngestService ingest;
    private final ServerCallStreamObserver<StudyAnalysis> response;
    private final Executor workers;
    private CompletableFuture<Void> lastStep = CompletableFuture.completedFuture(null);

    // Touched only by the steps, which never overlap.
    private int expectedIndex;
    private InstanceUpload upload;
    private String studyInstanceUid;
    private boolean ended;

    IngestStudyCall(IngestService ingest, ServerCallStreamObserver<StudyAnalysis> response, Executor workers) {
        this.ingest = ingest;
        this.response = response;
        this.workers = workers;
        response.disableAutoRequest();
        response.setOnCancelHandler(() -> inTurn(this::abandon));
        response.request(1);
    }

    @Override
    public void onNext(IngestChunk chunk) {
        inTurn(() -> receive(chunk));
    }

    @Override
    public void onError(Throwable clientError) {
        inTurn(this::abandon);
    }

    @Override
    public void onCompleted() {
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
                fail(Status.INTERNAL.withDescription("Glean could not store the study; try again later"));
            }
        }, workers);
    }

    private void receive(IngestChunk chunk) {
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
                StoredInstance stored = ingest.ingest(complete, studyInstanceUid, origin);
                studyInstanceUid = stored.studyInstanceUid();
            }
            response.request(1);
        } catch (InvalidInstanceException e) {
            fail(Status.INVALID_ARGUMENT.withDescription(origin + ": " + e.getMessage()));
        } catch (SizeLimitException e) {
            fail(Status.RESOURCE_EXHAUSTED.withDescription(origin + ": " + e.getMessage()));
        } catch (IOException e) {
            LOG.errorf(e, "%s: storing failed", origin);
            fail(Status.INTERNAL.withDescription(origin + ": Glean could not store the instance; try again later"));
        }
    }

    private void finish() {
        if (upload != null) {
            fail(Status.INVALID_ARGUMENT.withDescription("instance_index " + expectedIndex
                    + ": the stream ended before its chunk marked last_chunk"));
            return;
        }
        if (studyInstanceUid == null) {
            fail(Status.INVALID_ARGUMENT.withDescription("the call carried no instance"));
            return;
        }
        ingest.completeStudy(studyInstanceUid);
        StudyAnalysis analysis;
        try {
            analysis = StudyAnalyses.of(ingest.study(studyInstanceUid));
        } catch (StudyNotFoundException e) {
            throw new IllegalStateException("study " + studyInstanceUid + " vanished while it was received", e);
        }
        ended = true;
        response.onNext(analysis);
        response.onCompleted();
    }

    private void fail(Status status) {
        abandon();
        if (status.getCode() != Status.Code.INTERNAL) {
            LOG.warnf("IngestStudy refused (%s): %s", status.getCode(), status.getDescription());
        }
        response.onError(status.asRuntimeException());
    }

    private void abandon() {
        ended = true;
        if (upload != null) {
            upload.discard();
            upload = null;
        }
    }
}
