package org.glean.uncertainty;

/**
 * The four raw uncertainties of one detected object (method.md §4): {@code ep_loc, al_loc, ep_cls, al_cls}.
 * All finite and ≥ 0.
 */
public record ObjectUncertainty(double epistemicLocalization, double aleatoricLocalization,
                                double epistemicClassification, double aleatoricClassification) {

    public ObjectUncertainty {
        requireUncertainty(epistemicLocalization, "epistemicLocalization");
        requireUncertainty(aleatoricLocalization, "aleatoricLocalization");
        requireUncertainty(epistemicClassification, "epistemicClassification");
        requireUncertainty(aleatoricClassification, "aleatoricClassification");
    }

    /**
     * The object's four values from the mixtures of the anchor it was detected on: localization =
     * maxima over x, y, w, h; classification as {@code mode} says.
     *
     * @param detectedClass the detection's class 1 … C (0 is background); used by
     *                      {@link ClassUncertaintyMode#DETECTED_CLASS} only, but always validated there
     */
    public static ObjectUncertainty of(LocalizationMixture localization, ClassificationMixture classification,
                                       ClassUncertaintyMode mode, int detectedClass) {
        MixtureUncertainty loc = localization.uncertainty();
        MixtureUncertainty cls = classification.uncertainty(mode, detectedClass);
        return new ObjectUncertainty(loc.epistemic(), loc.aleatoric(), cls.epistemic(), cls.aleatoric());
    }

    public double get(UncertaintyKind kind) {
        return kind.of(epistemicLocalization, aleatoricLocalization, epistemicClassification, aleatoricClassification);
    }

    private static void requireUncertainty(double value, String name) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + " = " + value + " is not an uncertainty (must be finite and ≥ 0)");
        }
    }
}
