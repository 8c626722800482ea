package org.glean.pacs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Delivers the outbox to the enabled destinations while the server runs: every
 * {@code glean.pacs.outbox.poll-interval}, and at once when documents are added. Per destination
 * it sends the due deliveries one by one, oldest first; a failed one is due again after its own
 * backoff (doubling per attempt, with jitter, {@code glean.pacs.outbox.backoff.*}) and ends that
 * destination's round, so that a PACS that is down is asked once per round, not once per
 * document. The log says when a destination starts failing and when it works again, and never
 * names a study.
 */
@ApplicationScoped
public class OutboxDelivery {

    private static final Logger LOG = Logger.getLogger(OutboxDelivery.class);

    private final PacsConfig config;
    private final Outbox outbox;
    private final Map<String, DocumentSender> senders = new TreeMap<>();
    private final Map<String, Boolean> failing = new TreeMap<>();
    private final AtomicBoolean roundWaiting = new AtomicBoolean();
    // Its own thread, not @Scheduled: wake() runs a round as soon as documents are added.
    private ScheduledExecutorService worker;

    public OutboxDelivery(PacsConfig config, Outbox outbox) {
        this.config = config;
        this.outbox = outbox;
        if (config.outbox().maxAttempts() < 1) {
            throw new IllegalArgumentException("glean.pacs.outbox.max-attempts must be 1 or more, got "
                    + config.outbox().maxAttempts());
        }
        // A destination that cannot be read fails start-up, with its name, rather than its first delivery.
        config.destinations().forEach((name, destination) -> {
            DocumentSender sender = DocumentSender.of(name, destination);
            if (destination.enabled()) {
                senders.put(name, sender);
            }
        });
    }

    void start(@Observes StartupEvent startup) {
        if (senders.isEmpty()) {
            return;
        }
        worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pacs-outbox");
            thread.setDaemon(true);
            return thread;
        });
        senders.forEach((name, sender) -> LOG.infof("Sending results to PACS destination %s (%s)", name,
                sender.describe()));
        long every = config.outbox().pollInterval().toMillis();
        worker.scheduleWithFixedDelay(this::scheduledRound, 0, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        if (worker != null) {
            worker.shutdownNow();
            worker.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** The destinations documents are written for: the enabled ones that take {@code kind}. */
    public Set<String> destinationsTaking(DocumentKind kind) {
        Set<String> names = new TreeSet<>();
        config.destinations().forEach((name, destination) -> {
            if (destination.enabled() && destination.takes().contains(kind)) {
                names.add(name);
            }
        });
        return names;
    }

    /** Asks for a round soon, after the one running; several asks while one waits make one round. */
    public void wake() {
        if (worker != null && !worker.isShutdown() && roundWaiting.compareAndSet(false, true)) {
            worker.execute(this::scheduledRound);
        }
    }

    // Per destination, the due deliveries until none is left or one fails.
    private synchronized void deliverDue() {
        for (Map.Entry<String, DocumentSender> destination : senders.entrySet()) {
            Optional<Boolean> outcome;
            do {
                outcome = deliverOne(destination.getKey(), destination.getValue());
            } while (outcome.orElse(false));
        }
    }

    private void scheduledRound() {
        roundWaiting.set(false);
        try {
            deliverDue();
        } catch (RuntimeException e) {
            LOG.errorf("A delivery round of the PACS outbox failed (%s); the next round tries again",
                    e.getMessage());
        }
    }

    // Empty when nothing is due; true when delivered, false when the attempt failed.
    private Optional<Boolean> deliverOne(String name, DocumentSender sender) {
        Optional<Boolean> outcome = outbox.inTransaction(connection -> {
            Optional<Outbox.Claimed> due = outbox.claimDue(connection, name);
            if (due.isEmpty()) {
                return Optional.empty();
            }
            Outbox.Claimed claimed = due.get();
            try {
                sender.send(claimed.part10());
                outbox.markDelivered(connection, claimed);
                return Optional.of(true);
            } catch (IOException e) {
                markFailed(connection, name, claimed, e.getMessage());
                return Optional.of(false);
            } catch (RuntimeException e) {
                // A toolkit's own failure: by its kind only, as its message may quote the document.
                markFailed(connection, name, claimed, "sending failed unexpectedly (" + e.getClass().getName() + ")");
                return Optional.of(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped while sending; the delivery stays due", e);
            }
        });
        outcome.ifPresent(delivered -> noteHealth(name, sender, delivered));
        return outcome;
    }

    private void markFailed(Connection connection, String name, Outbox.Claimed claimed, String error)
            throws SQLException {
        int maxAttempts = config.outbox().maxAttempts();
        if (outbox.markFailed(connection, claimed, error, retryAfter(claimed.attempts() + 1), maxAttempts)) {
            LOG.warnf("PACS destination %s: delivery #%d failed %d times and is given up (FAILED): %s. glean outbox"
                    + " --state FAILED lists such deliveries; glean outbox --retry %d queues it again", name,
                    claimed.id(), maxAttempts, error, claimed.id());
        }
    }

    // "Equal jitter": half the backoff fixed, half at random, so that many documents failed together
    // do not all come due together.
    private Duration retryAfter(int attempts) {
        long wait = config.outbox().backoff().after(attempts).toMillis();
        return Duration.ofMillis(wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
    }

    private void noteHealth(String name, DocumentSender sender, boolean delivered) {
        Boolean wasFailing = failing.put(name, !delivered);
        if (!delivered && !Boolean.TRUE.equals(wasFailing)) {
            LOG.warnf("PACS destination %s (%s) fails; its documents wait in the outbox and are retried with "
                    + "backoff up to %s (glean outbox lists them with the last error)", name, sender.describe(),
                    config.outbox().backoff().max());
        } else if (delivered && Boolean.TRUE.equals(wasFailing)) {
            LOG.infof("PACS destination %s (%s) works again", name, sender.describe());
        }
    }
}
