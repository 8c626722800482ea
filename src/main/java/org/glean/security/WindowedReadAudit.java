package org.glean.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Audit rows for reads that come in bursts: a viewer fetches a study frame by frame, hundreds of
 * requests while a clinician scrolls through one CT series. The first read of a study by a caller
 * writes its row; further reads of that study by that caller, with the same action, write none
 * until the window has passed since that row. The trail names studies, never instances, so a
 * row per instance or per frame would only repeat the same row; what it must answer, who looked
 * at which study and when, it answers to within the window. Each replica keeps its own memory of
 * what it recorded: with several replicas, at most one row per replica per window.
 */
@ApplicationScoped
public class WindowedReadAudit {

    // Beyond this many remembered reads the expired ones are forgotten before another is added.
    private static final int PRUNE_ABOVE = 10_000;

    private record Key(String actor, AuditAction action, String studyInstanceUid) {
    }

    private final AuditTrail trail;
    private final Duration window;
    private final Clock clock = Clock.systemUTC();
    private final Map<Key, Instant> recorded = new ConcurrentHashMap<>();

    public WindowedReadAudit(AuditTrail trail,
            @ConfigProperty(name = "glean.dicomweb.frames-audit-window") Duration window) {
        this.trail = trail;
        this.window = window;
    }

    /**
     * Appends {@code entry} (a successful read of one study) unless the same actor's read of that
     * study with that action was recorded less than the window ago. Returns once the row, if one is
     * due, is written; throws when it cannot be written, and the next read tries again.
     */
    public void record(AuditEntry entry) {
        if (recorded.size() > PRUNE_ABOVE) {
            Instant cutoff = clock.instant().minus(window);
            recorded.values().removeIf(at -> at.isBefore(cutoff));
        }
        // compute() holds the key while the row is written, so concurrent reads of the study wait
        // for that one row instead of writing their own.
        recorded.compute(new Key(entry.actor().name(), entry.action(), entry.studyInstanceUid()), (key, last) -> {
            Instant now = clock.instant();
            if (last != null && now.isBefore(last.plus(window))) {
                return last;
            }
            trail.append(entry);
            return now;
        });
    }
}
