package org.glean.uncertainty;

/** The four uncertainties every object carries (method.md §4), in the order they are reported. */
public enum UncertaintyKind {
    EPISTEMIC_LOCALIZATION("epistemicLocalization"),
    ALEATORIC_LOCALIZATION("aleatoricLocalization"),
    EPISTEMIC_CLASSIFICATION("epistemicClassification"),
    ALEATORIC_CLASSIFICATION("aleatoricClassification");

    private final String component;

    UncertaintyKind(String component) {
        this.component = component;
    }

    /** Its name in the records that carry one value per kind, and in their JSON. */
    public String component() {
        return component;
    }

    /** Of one value per kind, given in the kinds' order, this kind's: how those records answer {@code get}. */
    public <T> T of(T epistemicLocalization, T aleatoricLocalization, T epistemicClassification,
            T aleatoricClassification) {
        return switch (this) {
            case EPISTEMIC_LOCALIZATION -> epistemicLocalization;
            case ALEATORIC_LOCALIZATION -> aleatoricLocalization;
            case EPISTEMIC_CLASSIFICATION -> epistemicClassification;
            case ALEATORIC_CLASSIFICATION -> aleatoricClassification;
        };
    }
}
