package org.glean.uncertainty;

/** Which classes' uncertainties become the object's two classification values (method.md §4). */
public enum ClassUncertaintyMode {
    /** Maximum over all C+1 classes, each of epistemic and aleatoric separately (patent; the default). */
    MAX_OVER_CLASSES,
    /** The values of the detected class only (the AL-MDN reference code). */
    DETECTED_CLASS
}
