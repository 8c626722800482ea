package org.glean.uncertainty;

/**
 * Aleatoric and epistemic uncertainty of one one-dimensional Gaussian mixture with weights π^k,
 * means μ^k and variances Σ^k (method.md §4), computed in closed form — no sampling, no ensembles:
 *
 * <pre>
 *   aleatoric  u_al = Σ_k π^k Σ^k
 *   epistemic  u_ep = Σ_k π^k (μ^k − Σ_j π^j μ^j)²
 * </pre>
 *
 * Together they are the law of total variance of the mixture: u_al is the expected variance of the
 * components, u_ep the variance of their means.
 *
 * @param epistemic u_ep, ≥ 0
 * @param aleatoric u_al, ≥ 0
 */
public record MixtureUncertainty(double epistemic, double aleatoric) {

    /**
     * Computes both values. The arrays are indexed by component k and must have equal length ≥ 1;
     * callers ({@link LocalizationMixture}, {@link ClassificationMixture}) validate them.
     */
    static MixtureUncertainty of(double[] weights, double[] means, double[] variances) {
        double mixtureMean = 0;
        double aleatoric = 0;
        for (int k = 0; k < weights.length; k++) {
            mixtureMean += weights[k] * means[k];
            aleatoric += weights[k] * variances[k];
        }
        double epistemic = 0;
        for (int k = 0; k < weights.length; k++) {
            double deviation = means[k] - mixtureMean;
            epistemic += weights[k] * deviation * deviation;
        }
        return new MixtureUncertainty(epistemic, aleatoric);
    }

    /** Component-wise maximum: the largest epistemic value and, separately, the largest aleatoric value. */
    static MixtureUncertainty maxOf(MixtureUncertainty[] values) {
        double epistemic = 0;
        double aleatoric = 0;
        for (MixtureUncertainty value : values) {
            epistemic = Math.max(epistemic, value.epistemic);
            aleatoric = Math.max(aleatoric, value.aleatoric);
        }
        return new MixtureUncertainty(epistemic, aleatoric);
    }
}
