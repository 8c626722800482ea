package org.glean.detector;

/**
 * An annotated object: its box in normalised network-input coordinates and its class label,
 * 1 … C (0 is background and never annotated).
 */
public record GroundTruthBox(Box box, int label) {

    public GroundTruthBox {
        if (label < 1) {
            throw new IllegalArgumentException("ground-truth labels start at 1 (0 is background), got " + label);
        }
        if (!(box.w() > 0) || !(box.h() > 0)) {
            throw new IllegalArgumentException("ground-truth box needs positive width and height, got " + box);
        }
    }
}
