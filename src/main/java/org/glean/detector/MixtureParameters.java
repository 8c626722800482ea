package org.glean.detector;

/**
 * The mixture outputs of one anchor after activation (method.md §1), as plain arrays for the
 * uncertainty computation. Coordinates are ordered x, y, w, h; classes 0 … C with 0 background.
 *
 * @param locWeights  π_b^k, [4][K], each row sums to 1 (softmax over k)
 * @param locMeans    μ_b^k, [4][K], offsets in {@link BoxCoding} units
 * @param locVariances Σ_b^k, [4][K], sigmoid of the raw output
 * @param clsWeights  π^k, [K], sums to 1
 * @param clsLogits   μ_p^k, [K][C+1], mean logits
 * @param clsVariances Σ_p^k, [K][C+1], sigmoid of the raw output
 */
public record MixtureParameters(double[][] locWeights, double[][] locMeans, double[][] locVariances,
                                double[] clsWeights, double[][] clsLogits, double[][] clsVariances) {

    public int components() {
        return clsWeights.length;
    }
}
