package org.glean.pacs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glean.dicom.DimseException;
import org.glean.ingest.ScpConfig;
import org.jboss.logging.Logger;

/**
 * Polls every enabled source of {@link PacsConfig} while the server runs: a pass at start-up,
 * then one {@code poll-interval} after each pass ends. A failed pass is retried after a backoff
 * that doubles with each failure in a row ({@code glean.pacs.backoff.*}); the log says when a
 * source starts failing and when it works again, not at every attempt, and never names a study.
 * Passes of one source never overlap, on demand or scheduled.
 */
@ApplicationScoped
public class SourcePoller {

    private static final Logger LOG = Logger.getLogger(SourcePoller.class);

    private final PacsConfig config;
    private final SourceCheckpoints checkpoints;
    private final Map<String, SourceState> sources = new TreeMap<>();
    // Its own threads, not @Scheduled: each source has its own interval and its own backoff after failures.
    private ScheduledExecutorService scheduler;

    public SourcePoller(PacsConfig config, SourceCheckpoints checkpoints, StudyRetrieval retrieval, ScpConfig scp) {
        this.config = config;
        this.checkpoints = checkpoints;
        // A source that cannot be read fails start-up, with its name, rather than its first pass.
        config.sources().forEach((name, settings) -> {
            try {
                sources.put(name, new SourceState(name, settings, studySource(name, settings, retrieval, scp)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("glean.pacs.sources." + name + ": " + e.getMessage(), e);
            }
        });
    }

    private static StudySource studySource(String name, PacsConfig.Source settings, StudyRetrieval retrieval,
            ScpConfig scp) {
        if (settings.overDicomWeb()) {
            return new DicomWebSource(name, settings, retrieval);
        }
        if (settings.retrieve() == DimseRetrieve.C_MOVE && !scp.enabled()) {
            throw new IllegalArgumentException("a DIMSE source retrieving by C-MOVE moves studies to Glean's C-STORE"
                    + " SCP, which is off: set glean.scp.enabled=true, or retrieve=c-get");
        }
        return new DimseSource(name, settings, scp.aeTitle(), retrieval);
    }

    /** A configured source: its name, how it is reached, whether the server polls it, how that goes, and its checkpoint. */
    public record SourceSummary(String name, String location, boolean polled, SourceStatus status,
            SourceCheckpoints.Summary checkpoint) {
    }

    /** The configured sources, by name. */
    public List<SourceSummary> sources() {
        Map<String, SourceCheckpoints.Summary> taken = checkpoints.summaries();
        return sources.values().stream().map(state -> new SourceSummary(state.name, state.source.describe(),
                state.settings.enabled(), state.status(), taken.getOrDefault(state.name,
                        new SourceCheckpoints.Summary(0, null)))).toList();
    }

    /**
     * Whether a source works now, and how many failures in a row it has had.
     *
     * @param lastError why the last pass failed (see {@link #describe}), or null when it worked
     * @param nextPass when the server's next pass starts, or null when none is scheduled
     */
    public record SourceStatus(boolean failing, int failuresInARow, Instant lastPassEnded, String lastError,
            Instant nextPass) {
    }

    void start(@Observes StartupEvent startup) {
        if (sources.values().stream().noneMatch(state -> state.settings.enabled())) {
            return;
        }
        scheduler = Executors.newScheduledThreadPool(Math.min(4, sources.size()), runnable -> {
            Thread thread = new Thread(runnable, "pacs-poller");
            thread.setDaemon(true);
            return thread;
        });
        for (SourceState state : sources.values()) {
            if (state.settings.enabled()) {
                LOG.infof("Polling PACS source %s (%s) every %s", state.name, state.source.describe(),
                        state.settings.pollInterval());
                state.scheduleIn(Duration.ZERO);
            }
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** The names of the configured sources. */
    public Set<String> sourceNames() {
        return sources.keySet();
    }

    /**
     * Runs one pass of a source now, after any pass of it in progress.
     *
     * @throws IllegalArgumentException when no source has this name
     * @throws IOException when the source failed ({@link DicomWebException}, {@link MalformedMultipartException},
     *     {@link DimseException}); the pass is retried with backoff
     */
    public SourcePass.Outcome passNow(String name, SourcePass.Progress progress)
            throws IOException, InterruptedException {
        return state(name).pass(progress);
    }

    public SourceStatus status(String name) {
        return state(name).status();
    }

    private SourceState state(String name) {
        SourceState state = sources.get(name);
        if (state == null) {
            throw new IllegalArgumentException("no PACS source named '" + name + "'; configured: "
                    + (sources.isEmpty() ? "none (glean.pacs.sources.<name>.url)" : String.join(", ", sources.keySet())));
        }
        return state;
    }

    private final class SourceState {

        private final String name;
        private final PacsConfig.Source settings;
        private final StudySource source;
        private final SourcePass pass;
        // Read by status() while a pass holds the lock.
        private volatile int failuresInARow;
        private volatile Instant lastPassEnded;
        private volatile String lastError;
        private volatile Instant nextPass;
        private ScheduledFuture<?> next;

        SourceState(String name, PacsConfig.Source settings, StudySource source) {
            this.name = name;
            this.settings = settings;
            this.source = source;
            this.pass = new SourcePass(source);
        }

        synchronized SourcePass.Outcome pass(SourcePass.Progress progress) throws IOException, InterruptedException {
            try {
                SourcePass.Outcome outcome = pass.run(checkpoints.taken(name), this::take, progress);
                succeeded(outcome);
                return outcome;
            } catch (IOException | RuntimeException e) {
                failed(e);
                throw e;
            } finally {
                lastPassEnded = Instant.now();
            }
        }

        private SourcePass.TakenStudy take(StudyMatch study) throws IOException, InterruptedException {
            SourcePass.TakenStudy taken = source.take(study);
            if (taken.whole()) {
                checkpoints.markTaken(name, study.studyInstanceUid(), taken.stored(), taken.refused(), Instant.now());
            }
            return taken;
        }

        private void succeeded(SourcePass.Outcome outcome) {
            if (failuresInARow > 0) {
                LOG.infof("PACS source %s works again after %d failed passes", name, failuresInARow);
            }
            failuresInARow = 0;
            lastError = null;
            if (outcome.taken() > 0 || outcome.partlyTaken() > 0) {
                LOG.infof("PACS source %s: took %d studies, %d more in part (%d instances stored, %d refused); %d"
                        + " matched, %d taken before", name, outcome.taken(), outcome.partlyTaken(),
                        outcome.instancesStored(), outcome.instancesRefused(), outcome.matched(), outcome.alreadyTaken());
            }
            scheduleIn(settings.pollInterval());
        }

        private void failed(Exception e) {
            failuresInARow++;
            lastError = describe(e);
            Duration wait = config.backoff().after(failuresInARow);
            if (failuresInARow == 1) {
                LOG.warnf("PACS source %s fails: %s. Retrying after %s, doubling up to %s; studies taken so far"
                        + " are kept", name, lastError, wait, config.backoff().max());
            }
            scheduleIn(wait);
        }

        // Replaces whatever was scheduled: a pass on demand moves the next scheduled one.
        synchronized void scheduleIn(Duration delay) {
            if (scheduler == null || !settings.enabled() || scheduler.isShutdown()) {
                return;
            }
            if (next != null) {
                next.cancel(false);
            }
            nextPass = Instant.now().plus(delay);
            next = scheduler.schedule(this::scheduledPass, delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void scheduledPass() {
            try {
                pass(SourcePass.Progress.NONE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                LOG.debugf(e, "PACS source %s: pass failed", name); // logged once per change by failed()
            }
        }

        SourceStatus status() {
            return new SourceStatus(failuresInARow > 0, failuresInARow, lastPassEnded, lastError, nextPass);
        }
    }

    /**
     * A source's failure for a person: the messages of DicomWebException, MalformedMultipartException
     * and DimseException carry no patient data by construction; others are named by type.
     */
    public static String describe(Exception e) {
        return e instanceof DicomWebException || e instanceof MalformedMultipartException
                || e instanceof DimseException ? e.getMessage()
                : e.getClass().getSimpleName() + " (the log at DEBUG has the details)";
    }
}
