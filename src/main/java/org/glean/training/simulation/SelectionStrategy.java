package org.glean.training.simulation;

import java.util.Arrays;
import org.glean.uncertainty.ImageAggregation;

/** The selection strategies the simulation compares, by the names the command takes. */
public enum SelectionStrategy {
    /** Uniformly at random: the baseline every other strategy must beat. */
    RANDOM("random"),
    /** Classification entropy of one pass. */
    ENTROPY("entropy"),
    /** This method, image informativeness = max of the four z-scores. */
    MDN_MAX("mdn-max"),
    /** This method, image informativeness = mean of the four z-scores. */
    MDN_MEAN("mdn-mean"),
    /** Mutual information over T MC-dropout passes. */
    MC_DROPOUT("mc-dropout");

    private final String label;

    SelectionStrategy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static SelectionStrategy of(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown strategy '" + label + "'; known: "
                        + String.join(", ", Arrays.stream(values()).map(SelectionStrategy::label).toList())));
    }

    /** The scorer of this strategy; null for {@link #RANDOM}, which scores nothing. */
    public PoolScorer scorer(double objectThreshold, int monteCarloPasses) {
        return switch (this) {
            case RANDOM -> null;
            case ENTROPY -> ClassUncertainty.entropy(objectThreshold);
            case MDN_MAX -> new MdnInformativeness(ImageAggregation.MAX, objectThreshold);
            case MDN_MEAN -> new MdnInformativeness(ImageAggregation.MEAN, objectThreshold);
            case MC_DROPOUT -> ClassUncertainty.monteCarloDropout(monteCarloPasses, objectThreshold);
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
