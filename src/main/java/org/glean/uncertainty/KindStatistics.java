package org.glean.uncertainty;

/**
 * Mean and population standard deviation of one {@link UncertaintyKind} over a reference population.
 *
 * @param mean the mean, finite
 * @param std  the population standard deviation √(Σ (u − mean)² / n), finite and ≥ 0
 */
public record KindStatistics(double mean, double std) {

    public KindStatistics {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("mean " + mean + " is not finite");
        }
        if (!Double.isFinite(std) || std < 0) {
            throw new IllegalArgumentException("standard deviation " + std + " must be finite and ≥ 0");
        }
    }

    /**
     * z = (u − mean) / std. When std = 0 (every reference object had the same value, or the
     * reference population was empty) the scale is unknown and z = 0 for every u: such a kind
     * neither dominates nor hides the others in an image's score.
     */
    public double zScore(double value) {
        return std == 0 ? 0 : (value - mean) / std;
    }
}
