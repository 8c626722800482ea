package org.glean.uncertainty;

/**
 * The four uncertainties of an object, or an image's per-kind maxima, as z-scores against an
 * {@link UncertaintyStatistics} (method.md §5.1). Finite; may be negative.
 */
public record StandardizedUncertainty(double epistemicLocalization, double aleatoricLocalization,
                                      double epistemicClassification, double aleatoricClassification) {

    public StandardizedUncertainty {
        for (double value : new double[] {epistemicLocalization, aleatoricLocalization,
                epistemicClassification, aleatoricClassification}) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("standardized uncertainty " + value + " is not finite");
            }
        }
    }

    static StandardizedUncertainty of(double[] byKind) {
        return new StandardizedUncertainty(byKind[0], byKind[1], byKind[2], byKind[3]);
    }

    public double get(UncertaintyKind kind) {
        return kind.of(epistemicLocalization, aleatoricLocalization, epistemicClassification, aleatoricClassification);
    }
}
