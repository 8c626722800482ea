package org.glean.uncertainty;

/** The four uncertainties every object carries (method.md §4), in the order they are reported. */
public enum UncertaintyKind {
    EPISTEMIC_LOCALIZATION,
    ALEATORIC_LOCALIZATION,
    EPISTEMIC_CLASSIFICATION,
    ALEATORIC_CLASSIFICATION
}
