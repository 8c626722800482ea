package org.glean.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.glean.api.v1.IngestChunk;
import org.glean.api.v1.StudyAnalysis;
import org.glean.ingest.ExaminedInstance;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceUpload;
import org.glean.ingest.InvalidInstanceException;
import org.glean.ingest.SizeLimitException;
import org.glean.ingest.StudyNotFoundException;
import org.jboss.logging.Logger;

/**
 * One IngestStudy call: checks the chunk rules of the contract and feeds each instance to
 * {@link IngestService}. Flow control is manual — the next chunk is requested only once the
 * previous one is on disk — so a call holds one chunk in memory however fast the client sends.
 * Instances go through two stages: receiving and examining (decoding) on the call's steps, one
 * after the other, then storing (flush, file move, database commit) on the storers, while the
 * next instance is received and examined. At most one instance waits to be stored, so memory
 * holds one decoded instance and the disk one upload beyond it.
 */
final class IngestStudyCall implements StreamObserver<IngestChunk> {

    private static final Logger LOG = Logger.getLogger(IngestStudyCall.class);

    private final IngestService ingest;
    private final ServerCallStreamObserver<StudyAnalysis> response;
    private final Executor workers;
    private final Executor storers;
    private CompletableFuture<Void> lastStep = CompletableFuture.completedFuture(null);

    // Touched only by the steps, which never overlap.
    private int expectedIndex;
    private InstanceUpload upload;
    private String studyInstanceUid;
    private boolean ended;
    // The previous instance's store: completes with null, or with the status that refuses the call.
    private CompletableFuture<Status> storing = CompletableFuture.completedFuture(null);

    IngestStudyCall(IngestService ingest, ServerCallStreamObserver<StudyAnalysis> response, Executor workers,
            Executor storers) {
        this.ingest = ingest;
        this.response = response;
        this.workers = workers;
        this.storers = storers;
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
                ExaminedInstance examined = examine(complete, origin);
                if (examined == null || !storedBefore(examined)) {
                    return;
                }
                studyInstanceUid = examined.studyInstanceUid();
                storing = CompletableFuture.supplyAsync(() -> store(examined, origin), storers);
            }
            response.request(1);
        } catch (SizeLimitException e) {
            failAfterStoring(Status.RESOURCE_EXHAUSTED.withDescription(origin + ": " + e.getMessage()));
        } catch (IOException e) {
            LOG.errorf(e, "%s: receiving failed", origin);
            failAfterStoring(Status.INTERNAL.withDescription(origin + ": Glean could not store the instance; try again later"));
        }
    }

    // Null when the instance is refused, and the call with it.
    private ExaminedInstance examine(InstanceUpload complete, String origin) {
        try {
            return ingest.examine(complete, studyInstanceUid, origin);
        } catch (InvalidInstanceException e) {
            failAfterStoring(Status.INVALID_ARGUMENT.withDescription(origin + ": " + e.getMessage()));
            return null;
        }
    }

    // Waits for the previous instance's store; when it was refused, so is the call.
    private boolean storedBefore(ExaminedInstance next) {
        Status refusal = storing.join();
        if (refusal != null) {
            next.discard();
            fail(refusal);
            return false;
        }
        return true;
    }

    private Status store(ExaminedInstance examined, String origin) {
        try {
            ingest.store(examined, origin);
            return null;
        } catch (InvalidInstanceException e) {
            return Status.INVALID_ARGUMENT.withDescription(origin + ": " + e.getMessage());
        } catch (SizeLimitException e) {
            return Status.RESOURCE_EXHAUSTED.withDescription(origin + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "%s: storing failed", origin);
            return Status.INTERNAL.withDescription(origin + ": Glean could not store the instance; try again later");
        }
    }

    private void finish() {
        if (upload != null) {
            failAfterStoring(Status.INVALID_ARGUMENT.withDescription("instance_index " + expectedIndex
                    + ": the stream ended before its chunk marked last_chunk"));
            return;
        }
        Status refusal = storing.join();
        if (refusal != null) {
            fail(refusal);
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

    // An earlier instance's refusal comes first: the call names the first instance that failed,
    // and every instance before it is stored.
    private void failAfterStoring(Status status) {
        Status earlier = storing.join();
        fail(earlier != null ? earlier : status);
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
