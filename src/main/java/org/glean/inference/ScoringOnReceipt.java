package org.glean.inference;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.glean.dicom.DecodedImage;
import org.glean.ingest.FramesOnReceipt;

/**
 * Scores a study while it is received: the frames decoded at receipt go to the
 * detector as they come, batch by batch on the detector's executor, beside receiving and storing,
 * instead of being decoded again from the store once the call has ended. {@link #finish}, called
 * once every instance is stored, waits for the last batch, detects what the call did not carry
 * (instances stored by earlier calls or found stored already) from the store, and persists the
 * analysis — so a call that fails before that leaves no analysis. At most about
 * {@code 2 × batch size} frames wait for the detector: {@link #add} says when to receive more.
 */
public final class ScoringOnReceipt implements FramesOnReceipt, AutoCloseable {

    private static final CompletableFuture<Void> NO_WAIT = CompletableFuture.completedFuture(null);

    private final InferenceService inference;
    private final Executor detector;
    private final int batchSize;
    private final int maxFramesWaiting;

    // The chain of the call's batches: one task at a time, in the order added.
    private volatile CompletableFuture<Void> detecting = NO_WAIT;
    private int framesWaiting;
    private CompletableFuture<Void> room = NO_WAIT;
    private volatile boolean closed;
    private volatile long lastFrameNanos = System.nanoTime();

    // Touched only by the chain's tasks and, after it ended, by finish.
    private DetectionBackend.Session session;
    private StudyDetections detections;
    private Exception failure;

    ScoringOnReceipt(InferenceService inference, Executor detector, int batchSize) {
        this.inference = inference;
        this.detector = detector;
        this.batchSize = batchSize;
        this.maxFramesWaiting = 2 * batchSize;
    }

    /**
     * Hands an accepted instance's frames, as decoded on receipt, to the detector.
     *
     * @param contentSha256 the SHA-256 of the instance's bytes: its answers count only if these
     *     are the bytes stored for its SOPInstanceUID
     * @return completes when the call may hand over more frames
     */
    @Override
    public synchronized CompletableFuture<Void> add(String contentSha256, DecodedImage decoded) {
        int frames = decoded.frames().size();
        lastFrameNanos = System.nanoTime();
        framesWaiting += frames;
        detecting = detecting.thenRunAsync(() -> detect(contentSha256, decoded, frames), detector);
        if (framesWaiting <= maxFramesWaiting) {
            return NO_WAIT;
        }
        if (room.isDone()) {
            room = new CompletableFuture<>();
        }
        return room;
    }

    /** Whether no frames came for at least {@code idle}. */
    boolean idleFor(Duration idle) {
        return System.nanoTime() - lastFrameNanos >= idle.toNanos();
    }

    /** The call carries no more instances: the frames short of a batch go to the detector now. */
    @Override
    public synchronized void lastInstanceReceived() {
        detecting = detecting.thenRunAsync(this::detectWaiting, detector);
    }

    /**
     * Scores the study once every instance of the call is stored and persists the analysis with
     * curation's decision. When a remote backend changed its model while the call's frames were
     * detected, the study is scored again from the store.
     *
     * @throws IllegalArgumentException when Glean holds no such study
     */
    public AnalysedStudy finish(String studyInstanceUid) throws NoModelException, BackendUnavailableException {
        detecting.join();
        try {
            if (failure instanceof NoModelException e) {
                throw e;
            }
            if (failure instanceof BackendUnavailableException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure == null) {
                open();
                try {
                    return inference.completeAndPersist(studyInstanceUid, detections);
                } catch (StudyDetections.ModelChangedException e) {
                    // scored again below, from the store
                }
            }
            closeSession();
            return inference.analyseStored(studyInstanceUid);
        } finally {
            close();
        }
    }

    /** Stops detecting: the batch running ends, nothing more runs, the model is let go. */
    @Override
    public void close() {
        closed = true;
        detecting.whenComplete((done, error) -> closeSession());
    }

    private void detect(String contentSha256, DecodedImage decoded, int frames) {
        try {
            if (!closed && failure == null) {
                open();
                detections.add(contentSha256, decoded);
            }
        } catch (NoModelException | BackendUnavailableException | StudyDetections.ModelChangedException
                | RuntimeException e) {
            failure = e;
        } finally {
            madeRoom(frames);
        }
    }

    private void detectWaiting() {
        try {
            if (!closed && failure == null && detections != null) {
                detections.flush();
            }
        } catch (NoModelException | BackendUnavailableException | StudyDetections.ModelChangedException
                | RuntimeException e) {
            failure = e;
        }
    }

    // Completes the room outside the lock: what waits for it runs at once, on this thread.
    private void madeRoom(int frames) {
        CompletableFuture<Void> made;
        synchronized (this) {
            framesWaiting -= frames;
            made = framesWaiting <= maxFramesWaiting ? room : NO_WAIT;
        }
        made.complete(null);
    }

    private void open() throws NoModelException {
        if (session == null) {
            session = inference.openSession();
            detections = new StudyDetections(session, batchSize);
        }
    }

    private synchronized void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
