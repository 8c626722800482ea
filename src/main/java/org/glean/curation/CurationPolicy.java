package org.glean.curation;

import java.time.Duration;
import java.time.Instant;
import org.glean.security.Actor;

/**
 * How scored studies are selected for annotation (method.md §6): an informativeness threshold,
 * and a budget of tasks per period within which the most informative studies win. A policy once
 * in force is never changed; a new one takes a new version.
 *
 * @param version                  increases with every change
 * @param informativenessThreshold studies below it are not queued; null: no threshold
 * @param budgetPerPeriod          at most this many tasks queued per period; 0: no budget
 * @param budgetPeriod             length of a budget period, whole seconds; periods are aligned to
 *                                 the Unix epoch (UTC days for 24 h)
 * @param changedBy                who set it
 * @param changedAt                when
 */
public record CurationPolicy(long version, Double informativenessThreshold, int budgetPerPeriod,
                             Duration budgetPeriod, String changedBy, Instant changedAt) {

    /** The longest budget period accepted. */
    public static final Duration MAX_BUDGET_PERIOD = Duration.ofDays(366);

    /**
     * A requested policy, validated on construction.
     *
     * @throws IllegalArgumentException naming the field out of range
     */
    public record Change(Double informativenessThreshold, int budgetPerPeriod, Duration budgetPeriod,
                         Actor changedBy) {

        public Change {
            if (informativenessThreshold != null && !Double.isFinite(informativenessThreshold)) {
                throw new IllegalArgumentException("informativeness_threshold must be a finite number, got "
                        + informativenessThreshold);
            }
            if (budgetPerPeriod < 0) {
                throw new IllegalArgumentException("budget_per_period must be 0 (no budget) or positive, got "
                        + budgetPerPeriod);
            }
            if (budgetPeriod.isNegative() || budgetPeriod.isZero() || budgetPeriod.getNano() != 0
                    || budgetPeriod.compareTo(MAX_BUDGET_PERIOD) > 0) {
                throw new IllegalArgumentException("budget_period must be whole seconds from 1 s to 366 days, got "
                        + budgetPeriod);
            }
            changedBy = Actors.require("changed_by", changedBy);
        }
    }

    /** The start of the budget period that holds {@code instant}. */
    public Instant periodStart(Instant instant) {
        long seconds = budgetPeriod.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), seconds) * seconds);
    }

    /** Whether a budget limits the tasks per period. */
    public boolean hasBudget() {
        return budgetPerPeriod > 0;
    }

    /** The policy in words, for decisions and the audit. */
    public String describe() {
        return "policy v" + version + " (threshold " + (informativenessThreshold == null ? "none"
                : informativenessThreshold) + ", budget " + (hasBudget() ? budgetPerPeriod + " per " + budgetPeriod
                : "none") + ")";
    }
}
