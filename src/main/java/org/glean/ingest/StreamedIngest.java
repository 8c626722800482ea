package org.glean.ingest;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Opens {@link StreamedStudy streamed studies} and runs their steps: receiving and decoding on
 * workers of their own, storing through the {@link GroupCommit} every front shares. Separate
 * pools, because a step may wait for a group or for the detector and never the reverse; in one
 * shared (or Quarkus' managed) executor, waiting steps could take every thread from the work they
 * wait for.
 */
@ApplicationScoped
public class StreamedIngest {

    private final IngestService ingest;
    private final GroupCommit groups;
    private final Duration idleTimeout;
    private final ExecutorService steps;
    // Looks for streams whose sender went silent.
    private final ScheduledExecutorService idleChecks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ingest-idle-check");
        thread.setDaemon(true);
        return thread;
    });

    public StreamedIngest(IngestService ingest, GroupCommit groups,
            @ConfigProperty(name = "glean.limits.idle-stream-timeout") Duration idleTimeout) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("glean.limits.idle-stream-timeout must be positive, got " + idleTimeout);
        }
        this.ingest = ingest;
        this.groups = groups;
        this.idleTimeout = idleTimeout;
        AtomicInteger threadNumber = new AtomicInteger();
        this.steps = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                runnable -> {
                    Thread thread = new Thread(runnable, "ingest-stream-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * A new stream: asks {@code front} for its first chunks at once.
     *
     * @param frames where the frames decoded on receipt go; {@link FramesOnReceipt#NONE} for nowhere
     */
    public StreamedStudy open(StreamedStudy.Front front, FramesOnReceipt frames) {
        return new StreamedStudy(ingest, groups, front, frames, steps, idleTimeout, idleChecks);
    }

    // After the graceful drain (org.glean.server.ServerShutdown): what still runs here has
    // outlasted glean.shutdown.drain-timeout and is cut off.
    @PreDestroy
    void stop() {
        steps.shutdownNow();
        idleChecks.shutdownNow();
    }
}
