package org.glean.detector;

/** How the sampled class logits of the K components become a loss (method.md §2). */
public enum ClassificationLossType {
    /** Mixture-weighted cross-entropy: {@code − Σ_k π^k log softmax(ĉ^k)_t} (the default). */
    TYPE_1,
    /**
     * Negative log of the mixture probability: {@code − log(Σ_k π^k softmax(ĉ^k)_t + ε)},
     * ε = 1e-9 as in the reference code; recommended there when the classification weights
     * collapse onto one component.
     */
    TYPE_2
}
