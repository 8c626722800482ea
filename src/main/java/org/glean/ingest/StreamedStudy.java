package org.glean.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glean.dicom.DecodedImage;
import org.glean.security.SameTransaction;
import org.jboss.logging.Logger;

/**
 * One study received as a stream of instances in chunks (IngestStudy's contract, whatever carries
 * it): checks the chunk rules and feeds each instance to {@link IngestService} and
 * {@link GroupCommit}. Flow control is the stream's: a chunk is asked for only once an earlier one
 * is on disk, {@value #CHUNKS_AHEAD} ahead so that the next is at hand when a step ends, so a
 * stream holds at most {@value #CHUNKS_AHEAD} chunks in memory however fast its sender is.
 * Instances go through two stages: receiving and examining (decoding) on the stream's steps, one
 * after the other, then storing by {@link GroupCommit}, in groups: whatever was examined while the
 * previous group was being stored is stored next, together. Receiving pauses while
 * {@value #MAX_WAITING_INSTANCES} instances (or {@value #MAX_WAITING_BYTES} bytes) wait, so memory
 * holds their headers and the disk their uploads, no more. Meanwhile the frames decoded on receipt
 * go to {@link FramesOnReceipt}, and receiving pauses too while it says so. The front hears that
 * the study is stored once every instance is and the study is complete, with its audit row in the
 * completion's transaction. A sender that sends nothing for the idle timeout while a chunk is
 * awaited is refused ({@link IngestRefusal.Kind#IDLE}) and its unfinished instance discarded, so
 * that a stalled sender holds no upload, memory or call slot for long.
 */
public final class StreamedStudy {

    private static final Logger LOG = Logger.getLogger(StreamedStudy.class);
    static final int CHUNKS_AHEAD = 2;
    static final int MAX_WAITING_INSTANCES = 64;
    static final long MAX_WAITING_BYTES = 64L << 20;

    /** What carries the stream: asked for chunks, told how the stream ends. Called on the stream's steps, one at a time. */
    public interface Front {

        /** Lets the sender send {@code chunks} more chunks. */
        void request(int chunks);

        /** The stream's study, known from its first instance. */
        void studyKnown(String studyInstanceUid);

        /** The audit row to write with the study's completion, after {@code instances} instances. */
        SameTransaction completionRow(int instances);

        /** Every instance is stored and the study complete; the stream is over and the front answers. */
        void stored(String studyInstanceUid);

        /** The stream is refused and over; what was stored before the refused instance stays. */
        void refused(IngestRefusal refusal);

        /** The sender gave up after {@code instances} instances; {@code studyInstanceUid} null when none came whole. */
        void cancelled(String studyInstanceUid, int instances);
    }

    private final IngestService ingest;
    private final GroupCommit groups;
    private final Front front;
    private final FramesOnReceipt frames;
    private final Executor steps;
    private final Duration idleTimeout;
    private final ScheduledFuture<?> idleCheck;
    // When a chunk last arrived or was asked for; and whether the sender has sent its last one.
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean senderDone;
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
    private boolean framesBehind;
    // The group being stored: completes with null, or with the refusal that ends the stream.
    private CompletableFuture<IngestRefusal> storing = CompletableFuture.completedFuture(null);

    StreamedStudy(IngestService ingest, GroupCommit groups, Front front, FramesOnReceipt frames, Executor steps,
            Duration idleTimeout, ScheduledExecutorService timers) {
        this.ingest = ingest;
        this.groups = groups;
        this.front = front;
        this.frames = frames;
        this.steps = steps;
        this.idleTimeout = idleTimeout;
        long checkEvery = Math.max(50, idleTimeout.toMillis() / 10);
        idleCheck = timers.scheduleWithFixedDelay(() -> inTurn(this::endIfIdle), checkEvery, checkEvery,
                TimeUnit.MILLISECONDS);
        requested = CHUNKS_AHEAD;
        front.request(CHUNKS_AHEAD);
    }

    /** The next chunk: {@code data} of instance {@code instanceIndex}, its last when {@code lastChunk}. */
    public void chunk(int instanceIndex, ByteBuffer data, boolean lastChunk) {
        lastHeardNanos = System.nanoTime();
        inTurn(() -> receive(instanceIndex, data, lastChunk));
    }

    /** The sender sent its last chunk. */
    public void senderDone() {
        senderDone = true;
        inTurn(this::finish);
    }

    /** The sender gave up (cancelled, or its stream broke). */
    public void senderGone() {
        inTurn(this::cancelled);
    }

    private synchronized void inTurn(Runnable step) {
        lastStep = lastStep.thenRunAsync(() -> {
            if (ended) {
                return;
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.error("A streamed study failed", e);
                fail(new IngestRefusal(IngestRefusal.Kind.FAILED, "Glean could not store the study; try again later", e));
            }
        }, steps);
    }

    private void receive(int index, ByteBuffer data, boolean lastChunk) {
        requested--;
        if (upload == null && index != expectedIndex) {
            fail(IngestRefusal.of(IngestRefusal.Kind.INVALID, "a chunk of instance_index " + index
                    + " arrived where instance_index " + expectedIndex + " was due; number the instances of a call "
                    + "0, 1, 2, ... in the order sent"));
            return;
        }
        if (upload != null && index != expectedIndex) {
            fail(IngestRefusal.of(IngestRefusal.Kind.INVALID, "instance_index " + expectedIndex
                    + " ended without a chunk marked last_chunk (the next chunk is of instance_index " + index + ")"));
            return;
        }
        String origin = "instance_index " + index;
        try {
            if (upload == null) {
                upload = ingest.newUpload();
            }
            upload.write(data);
            if (lastChunk) {
                InstanceUpload complete = upload;
                upload = null;
                expectedIndex++;
                ExaminedInstance examined = examine(complete, origin);
                if (examined == null) {
                    return;
                }
                if (studyInstanceUid == null) {
                    studyInstanceUid = examined.studyInstanceUid();
                    front.studyKnown(studyInstanceUid);
                }
                waiting.add(examined);
                waitingBytes += examined.sizeBytes();
                storeWaitingIfIdle();
                receivingPaused = waiting.size() >= MAX_WAITING_INSTANCES || waitingBytes >= MAX_WAITING_BYTES;
            }
            requestMore();
        } catch (SizeLimitException e) {
            failAfterStoring(IngestRefusal.of(IngestRefusal.Kind.RESOURCE_EXHAUSTED, origin + ": " + e.getMessage()));
        } catch (IOException e) {
            LOG.errorf(e, "%s: receiving failed", origin);
            failAfterStoring(new IngestRefusal(IngestRefusal.Kind.FAILED,
                    origin + ": Glean could not store the instance; try again later", e));
        }
    }

    // Null when the instance is refused, and the stream with it.
    private ExaminedInstance examine(InstanceUpload complete, String origin) {
        try {
            return ingest.examine(complete, studyInstanceUid, origin, this::toFrames);
        } catch (InvalidInstanceException e) {
            failAfterStoring(IngestRefusal.of(IngestRefusal.Kind.INVALID, origin + ": " + e.getMessage()));
            return null;
        }
    }

    private void toFrames(String contentSha256, DecodedImage decoded) {
        CompletableFuture<Void> room = frames.add(contentSha256, decoded);
        if (!room.isDone()) {
            framesBehind = true;
            room.thenRun(() -> inTurn(this::framesCaughtUp));
        }
    }

    private void framesCaughtUp() {
        framesBehind = false;
        requestMore();
    }

    // Starts storing the waiting instances unless a group is being stored; a refused group
    // leaves them for afterGroup, which ends the stream.
    private void storeWaitingIfIdle() {
        if (waiting.isEmpty() || !storing.isDone() || storing.join() != null) {
            return;
        }
        CompletableFuture<IngestRefusal> stored = store(takeWaiting());
        storing = stored;
        stored.thenRun(() -> inTurn(() -> afterGroup(stored)));
    }

    private void afterGroup(CompletableFuture<IngestRefusal> stored) {
        IngestRefusal refusal = stored.join();
        if (refusal != null) {
            fail(refusal);
            return;
        }
        storeWaitingIfIdle();
        receivingPaused = false;
        requestMore();
    }

    private void requestMore() {
        if (!receivingPaused && !framesBehind && requested < CHUNKS_AHEAD) {
            if (requested == 0) {
                lastHeardNanos = System.nanoTime(); // the sender could not send until now
            }
            front.request(CHUNKS_AHEAD - requested);
            requested = CHUNKS_AHEAD;
        }
    }

    // Stores everything examined so far, waiting on this step; returns the first refusal, if any.
    private IngestRefusal drain() {
        IngestRefusal refusal = storing.join();
        if (refusal != null || waiting.isEmpty()) {
            return refusal;
        }
        storing = store(takeWaiting());
        return storing.join();
    }

    private List<ExaminedInstance> takeWaiting() {
        List<ExaminedInstance> group = List.copyOf(waiting);
        waiting.clear();
        waitingBytes = 0;
        return group;
    }

    // Completes with the first refused instance of the group, which names the stream's refusal, or null.
    private CompletableFuture<IngestRefusal> store(List<ExaminedInstance> group) {
        return groups.store(group, true).handle((outcomes, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                String origins = group.get(0).origin()
                        + (group.size() == 1 ? "" : " to " + group.get(group.size() - 1).origin());
                LOG.errorf(cause, "%s: storing failed", origins);
                return new IngestRefusal(IngestRefusal.Kind.FAILED,
                        origins + ": Glean could not store the instances; try again later", cause);
            }
            for (int i = 0; i < group.size(); i++) {
                try {
                    if (!outcomes.get(i).isSkipped()) {
                        outcomes.get(i).storedOrThrow();
                    }
                } catch (InvalidInstanceException e) {
                    return IngestRefusal.of(IngestRefusal.Kind.INVALID, group.get(i).origin() + ": " + e.getMessage());
                } catch (SizeLimitException e) {
                    return IngestRefusal.of(IngestRefusal.Kind.RESOURCE_EXHAUSTED,
                            group.get(i).origin() + ": " + e.getMessage());
                }
            }
            return null;
        });
    }

    // Idle only while Glean waits for a chunk: not while it holds the sender back (flow control).
    private void endIfIdle() {
        if (senderDone || requested == 0 || System.nanoTime() - lastHeardNanos < idleTimeout.toNanos()) {
            return;
        }
        failAfterStoring(IngestRefusal.of(IngestRefusal.Kind.IDLE, "no chunk arrived for "
                + idleTimeout.toSeconds() + " s while Glean waited for one (glean.limits.idle-stream-timeout), so the"
                + " call was ended" + (expectedIndex == 0 ? "" : ": the " + expectedIndex + " instance(s) sent whole are"
                + " stored") + (upload == null ? "" : (expectedIndex == 0 ? ": " : ", ") + "the unfinished instance_index "
                + expectedIndex + " was discarded") + "; send the study again, without long pauses between chunks"));
    }

    private void finish() {
        if (upload != null) {
            failAfterStoring(IngestRefusal.of(IngestRefusal.Kind.INVALID, "instance_index " + expectedIndex
                    + ": the stream ended before its chunk marked last_chunk"));
            return;
        }
        // the last frames go on while the last instances are stored
        frames.lastInstanceReceived();
        IngestRefusal refusal = drain();
        if (refusal != null) {
            fail(refusal);
            return;
        }
        if (studyInstanceUid == null) {
            fail(IngestRefusal.of(IngestRefusal.Kind.INVALID, "the call carried no instance"));
            return;
        }
        ingest.completeStudy(studyInstanceUid, front.completionRow(expectedIndex));
        ended = true;
        idleCheck.cancel(false);
        front.stored(studyInstanceUid);
    }

    // An earlier instance's refusal comes first: the stream names the first instance that failed,
    // and every instance before it is stored.
    private void failAfterStoring(IngestRefusal refusal) {
        IngestRefusal earlier = drain();
        fail(earlier != null ? earlier : refusal);
    }

    private void fail(IngestRefusal refusal) {
        abandon();
        front.refused(refusal);
    }

    private void cancelled() {
        abandon();
        front.cancelled(studyInstanceUid, expectedIndex);
    }

    private void abandon() {
        ended = true;
        idleCheck.cancel(false);
        frames.close();
        if (upload != null) {
            upload.discard();
            upload = null;
        }
        takeWaiting().forEach(ExaminedInstance::discard);
    }
}
