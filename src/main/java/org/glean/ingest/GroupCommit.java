package org.glean.ingest;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores examined instances for every front — IngestStudy calls, C-STORE associations — in
 * groups: what was handed over while the storers were busy is stored next, together, by one
 * {@link IngestService#storeAll} (files flushed at once, one database transaction and commit),
 * so that the disk's and the database's waits are paid per group rather than per instance, however
 * many senders share them. A batch's outcomes come only once its group is durable: a sender
 * acknowledges nothing before that.
 *
 * <p>A batch that ends at its first refusal (an IngestStudy call's) is a group of its own, because
 * a refusal skips the rest of its group. Batches that do not (a C-STORE's single instance) are
 * merged, in the order handed over, up to {@value #MAX_GROUP_INSTANCES} instances or
 * {@value #MAX_GROUP_BYTES} bytes. {@value #STORERS} storers: one group committing while the next
 * gathers; more would commit groups of one side by side instead of gathering them.
 */
@ApplicationScoped
public class GroupCommit {

    static final int STORERS = 2;
    static final int MAX_GROUP_INSTANCES = 64;
    static final long MAX_GROUP_BYTES = 64L << 20;

    private final IngestService ingest;
    private final ExecutorService storers;
    // Batches handed over and not yet taken into a group; guarded by this.
    private final Deque<Batch> pending = new ArrayDeque<>();

    public GroupCommit(IngestService ingest) {
        this.ingest = ingest;
        AtomicInteger threadNumber = new AtomicInteger();
        this.storers = Executors.newFixedThreadPool(STORERS, runnable -> {
            Thread thread = new Thread(runnable, "ingest-store-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    private record Batch(List<ExaminedInstance> instances, boolean stopAtFirstRefusal, long bytes,
            CompletableFuture<List<InstanceOutcome>> outcomes) {
    }

    /**
     * Stores the instances, in order, in the next group; see {@link IngestService#storeAll} for
     * what {@code stopAtFirstRefusal} means and how a failure leaves the store. Every upload is
     * consumed.
     *
     * @return completes with each instance's outcome, in order, once its group is durable; or
     *     with the {@link IOException} or {@link RuntimeException} that failed the group
     */
    public CompletableFuture<List<InstanceOutcome>> store(List<ExaminedInstance> instances,
            boolean stopAtFirstRefusal) {
        Batch batch = new Batch(List.copyOf(instances), stopAtFirstRefusal,
                instances.stream().mapToLong(ExaminedInstance::sizeBytes).sum(), new CompletableFuture<>());
        synchronized (this) {
            pending.add(batch);
        }
        try {
            storers.execute(this::storeNextGroup);
        } catch (RejectedExecutionException stopped) {
            boolean mine;
            synchronized (this) {
                mine = pending.remove(batch);
            }
            if (mine) {
                batch.instances().forEach(ExaminedInstance::discard);
                batch.outcomes().completeExceptionally(new IOException("Glean is stopping; nothing was stored"));
            }
        }
        return batch.outcomes();
    }

    /**
     * Examines and stores one received instance, any study, in the next group, and waits until it
     * is durable or refused; see {@link IngestService#examine} and {@link IngestService#storeAll}.
     * The upload is consumed.
     */
    public StoredInstance ingest(InstanceUpload upload, String origin, IngestService.FrameSink frames)
            throws InvalidInstanceException, SizeLimitException, IOException {
        CompletableFuture<List<InstanceOutcome>> stored = store(List.of(ingest.examine(upload, null, origin, frames)),
                false);
        try {
            return stored.join().get(0).storedOrThrow();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    // One task per batch handed over; a task that finds its batch taken into an earlier group has nothing to do.
    private void storeNextGroup() {
        List<Batch> group = takeGroup();
        if (group.isEmpty()) {
            return;
        }
        List<ExaminedInstance> instances = new ArrayList<>();
        group.forEach(batch -> instances.addAll(batch.instances()));
        try {
            List<InstanceOutcome> outcomes = ingest.storeAll(instances, group.get(0).stopAtFirstRefusal());
            int from = 0;
            for (Batch batch : group) {
                int to = from + batch.instances().size();
                batch.outcomes().complete(List.copyOf(outcomes.subList(from, to)));
                from = to;
            }
        } catch (IOException | RuntimeException e) {
            group.forEach(batch -> batch.outcomes().completeExceptionally(e));
        }
    }

    private synchronized List<Batch> takeGroup() {
        Batch first = pending.poll();
        if (first == null) {
            return List.of();
        }
        List<Batch> group = new ArrayList<>(List.of(first));
        if (first.stopAtFirstRefusal()) {
            return group;
        }
        int instances = first.instances().size();
        long bytes = first.bytes();
        for (Iterator<Batch> next = pending.iterator(); next.hasNext(); ) {
            Batch batch = next.next();
            if (batch.stopAtFirstRefusal()) {
                continue;
            }
            if (instances + batch.instances().size() > MAX_GROUP_INSTANCES || bytes + batch.bytes() > MAX_GROUP_BYTES) {
                break;
            }
            instances += batch.instances().size();
            bytes += batch.bytes();
            group.add(batch);
            next.remove();
        }
        return group;
    }

    // After the graceful drain (org.glean.server.ServerShutdown): a group still being stored has
    // outlasted glean.shutdown.drain-timeout and is cut off; it was acknowledged to nobody.
    @PreDestroy
    void stop() {
        storers.shutdownNow();
        List<Batch> left;
        synchronized (this) {
            left = List.copyOf(pending);
            pending.clear();
        }
        left.forEach(batch -> {
            batch.instances().forEach(ExaminedInstance::discard);
            batch.outcomes().completeExceptionally(new IOException("Glean stopped; nothing was stored"));
        });
    }
}
