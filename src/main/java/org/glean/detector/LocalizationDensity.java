package org.glean.detector;

/** The Gaussian each localization mixture component puts on its target offset. */
public enum LocalizationDensity {
    /**
     * method.md §2 (the patent): {@code N(ĝ; μ, Σ) = exp(−(ĝ−μ)²/(2Σ)) / sqrt(2πΣ)} with Σ the
     * activated output taken as a variance.
     */
    VARIANCE,
    /**
     * The AL-MDN reference code: the activated output {@code v} is used as a standard deviation
     * and 0.3 is added to the normaliser, {@code exp(−((ĝ−μ)/v)²/2) / sqrt(2π) / (v + 0.3)}, and
     * the localization loss is halved.
     */
    REFERENCE
}
