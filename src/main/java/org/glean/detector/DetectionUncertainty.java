package org.glean.detector;

import org.glean.uncertainty.ClassUncertaintyMode;
import org.glean.uncertainty.ClassificationMixture;
import org.glean.uncertainty.LocalizationMixture;
import org.glean.uncertainty.ObjectUncertainty;

/**
 * The four uncertainty values of one detected object (method.md §4), the same for scoring a study
 * and for evaluating a model: classification as the maximum over classes.
 */
public final class DetectionUncertainty {

    private DetectionUncertainty() {
    }

    public static ObjectUncertainty of(Detection detection) {
        MixtureParameters m = detection.mixture();
        return ObjectUncertainty.of(new LocalizationMixture(m.locWeights(), m.locMeans(), m.locVariances()),
                new ClassificationMixture(m.clsWeights(), m.clsLogits(), m.clsVariances()),
                ClassUncertaintyMode.MAX_OVER_CLASSES, detection.label());
    }
}
