package org.glean.server;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.api.CallDrain;
import org.glean.ingest.CStoreIngest;
import org.glean.training.FineTuneJobs;
import org.jboss.logging.Logger;

/**
 * A graceful stop (SIGTERM; see {@link GleanMain}): first the fronts stop taking work — new gRPC
 * calls are answered UNAVAILABLE, the C-STORE port closes and C-STOREs that begin are refused —
 * while the calls and C-STOREs in progress finish, for at most
 * {@code glean.shutdown.drain-timeout}; a fine-tuning job running here is stopped and recorded
 * FAILED in that time (it cannot finish in it, and another replica may start the next one only
 * once it has ended); then Quarkus stops the rest (worker pools, the SCP, the database pool),
 * cutting off whatever is still running. It runs when Quarkus begins to stop
 * (its shutdown-delay event, {@code quarkus.shutdown.delay-enabled}), before anything is stopped.
 */
@ApplicationScoped
public class ServerShutdown {

    private static final Logger LOG = Logger.getLogger(ServerShutdown.class);

    private final CallDrain calls;
    private final CStoreIngest cStore;
    private final FineTuneJobs fineTuning;
    private final Duration drainTimeout;

    public ServerShutdown(CallDrain calls, CStoreIngest cStore, FineTuneJobs fineTuning,
            @ConfigProperty(name = "glean.shutdown.drain-timeout") Duration drainTimeout) {
        this.calls = calls;
        this.cStore = cStore;
        this.fineTuning = fineTuning;
        this.drainTimeout = drainTimeout;
    }

    void drain(@Observes ShutdownDelayInitiatedEvent stopping) throws InterruptedException {
        Instant deadline = Instant.now().plus(drainTimeout);
        calls.stopAccepting();
        try {
            cStore.stopAccepting();
        } catch (IOException e) {
            LOG.warnf("Closing the DICOM port failed: %s", e.getMessage());
        }
        fineTuning.stopRunning();
        LOG.infof("Stopping: new calls and C-STOREs are refused; those in progress may take up to %d s",
                drainTimeout.toSeconds());
        boolean callsDone = calls.awaitIdle(deadline);
        boolean cStoresDone = cStore.awaitIdle(deadline);
        if (!fineTuning.awaitStopped(deadline)) {
            LOG.warn("Stopping: the fine-tuning job has not recorded its end; the next server to start marks it FAILED");
        }
        if (callsDone && cStoresDone) {
            LOG.info("Stopping: every call and C-STORE in progress has finished");
        } else {
            LOG.warnf("Stopping: %s still in progress after glean.shutdown.drain-timeout = %d s are cut off",
                    callsDone ? "C-STOREs" : cStoresDone ? "gRPC calls" : "gRPC calls and C-STOREs",
                    drainTimeout.toSeconds());
        }
    }
}
