package org.glean.training;

/**
 * How long a fine-tune runs, counted in optimizer updates rather than epochs: {@code epochs}
 * passes over the training images, but never fewer than {@code minSteps} updates (20 annotated
 * studies would otherwise get a handful of updates) nor more than {@code maxSteps} (a large set
 * stays within a bounded time). The first {@code frozenSteps} updates train the head alone, on the
 * backbone's features as they are; validation runs after every round of {@code stepsPerRound}
 * updates: an epoch, or a tenth of the run when an epoch is shorter than that, so that early
 * stopping has a few rounds to judge by however small the data.
 *
 * @param steps         updates in all
 * @param frozenSteps   the first updates, with the backbone frozen
 * @param stepsPerRound updates between validations
 */
public record FineTuneSchedule(int steps, int frozenSteps, int stepsPerRound) {

    /** Validations per run when an epoch is shorter than a tenth of it. */
    static final int ROUNDS = 10;

    public FineTuneSchedule {
        if (steps < 1 || frozenSteps < 0 || frozenSteps > steps || stepsPerRound < 1) {
            throw new IllegalArgumentException("a schedule needs at least one update, a frozen share within it and "
                    + "at least one update per round; got " + steps + ", " + frozenSteps + ", " + stepsPerRound);
        }
    }

    /**
     * @param trainingImages the annotated images trained on (replayed images come on top, in every batch)
     * @param frozenShare    share of the updates with the backbone frozen, in [0, 1)
     */
    public static FineTuneSchedule of(int trainingImages, int batchSize, int epochs, int minSteps, int maxSteps,
                                      double frozenShare) {
        if (trainingImages < 1 || batchSize < 1 || epochs < 1 || minSteps < 1 || maxSteps < minSteps
                || !(frozenShare >= 0 && frozenShare < 1)) {
            throw new IllegalArgumentException("a fine-tune needs images, a batch size, epochs, 1 ≤ min-steps ≤ "
                    + "max-steps and a frozen share within [0, 1)");
        }
        int stepsPerEpoch = (trainingImages + batchSize - 1) / batchSize;
        int steps = (int) Math.max(minSteps, Math.min(maxSteps, (long) epochs * stepsPerEpoch));
        int perRound = Math.min(steps, Math.max(stepsPerEpoch, (steps + ROUNDS - 1) / ROUNDS));
        return new FineTuneSchedule(steps, (int) Math.round(steps * frozenShare), perRound);
    }

    /** Validation rounds: the last may be shorter. */
    public int rounds() {
        return (steps + stepsPerRound - 1) / stepsPerRound;
    }

    /** Updates in round {@code round} (from 0). */
    public int stepsIn(int round) {
        return Math.min(stepsPerRound, steps - round * stepsPerRound);
    }
}
