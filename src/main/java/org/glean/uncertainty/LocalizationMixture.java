package org.glean.uncertainty;

/**
 * The localization mixture of one anchor (method.md §1): for each box coordinate b ∈ {x, y, w, h}
 * a K-component one-dimensional Gaussian mixture over the SSD offset ĝ_b, with its own weights.
 *
 * <p>All arrays are coordinate-major, shape {@code [4][K]}, row order x, y, w, h
 * ({@link #X}, {@link #Y}, {@link #W}, {@link #H}), and hold values <em>after</em> activation:
 * <ul>
 *   <li>{@code weights[b][k]}   = π_b^k, softmax over k of the weight logits of coordinate b
 *       (each row ≥ 0 and sums to 1);</li>
 *   <li>{@code means[b][k]}     = μ_b^k, the raw output (an offset, not yet decoded against the anchor);</li>
 *   <li>{@code variances[b][k]} = Σ_b^k, sigmoid of the raw output (≥ 0).</li>
 * </ul>
 * The constructor validates shapes and values and copies the arrays; accessors return copies.
 */
public record LocalizationMixture(double[][] weights, double[][] means, double[][] variances) {

    public static final int COORDINATES = 4;
    public static final int X = 0;
    public static final int Y = 1;
    public static final int W = 2;
    public static final int H = 3;

    private static final String[] COORDINATE_NAMES = {"x", "y", "w", "h"};

    public LocalizationMixture {
        MixtureValidation.requireLength(weights, COORDINATES, "localization weights");
        MixtureValidation.requireLength(means, COORDINATES, "localization means");
        MixtureValidation.requireLength(variances, COORDINATES, "localization variances");
        double[][] w = new double[COORDINATES][];
        double[][] mu = new double[COORDINATES][];
        double[][] var = new double[COORDINATES][];
        for (int b = 0; b < COORDINATES; b++) {
            String coordinate = COORDINATE_NAMES[b];
            w[b] = MixtureValidation.copyWeights(weights[b], "localization weights of " + coordinate);
            if (b > 0 && w[b].length != w[0].length) {
                throw new IllegalArgumentException("localization weights of " + coordinate + " have "
                        + w[b].length + " components, those of x have " + w[0].length);
            }
            mu[b] = MixtureValidation.copyFinite(means[b], w[b].length, "localization means of " + coordinate);
            var[b] = MixtureValidation.copyVariances(variances[b], w[b].length, "localization variances of " + coordinate);
        }
        weights = w;
        means = mu;
        variances = var;
    }

    /** Number of mixture components K. */
    public int components() {
        return weights[0].length;
    }

    @Override
    public double[][] weights() {
        return MixtureValidation.deepCopy(weights);
    }

    @Override
    public double[][] means() {
        return MixtureValidation.deepCopy(means);
    }

    @Override
    public double[][] variances() {
        return MixtureValidation.deepCopy(variances);
    }

    /** §4 applied to each coordinate's mixture; index with {@link #X} … {@link #H}. */
    public MixtureUncertainty[] uncertaintyPerCoordinate() {
        MixtureUncertainty[] perCoordinate = new MixtureUncertainty[COORDINATES];
        for (int b = 0; b < COORDINATES; b++) {
            perCoordinate[b] = MixtureUncertainty.of(weights[b], means[b], variances[b]);
        }
        return perCoordinate;
    }

    /**
     * The object's localization values: epistemic = max_b u_ep(b), aleatoric = max_b u_al(b), each
     * maximum taken separately over x, y, w, h (the 8 per-coordinate values reduce to 2).
     */
    public MixtureUncertainty uncertainty() {
        return MixtureUncertainty.maxOf(uncertaintyPerCoordinate());
    }
}
