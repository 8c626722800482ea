package org.glean.inference;

import org.glean.detector.PixelBox;
import org.glean.uncertainty.ObjectUncertainty;

/**
 * An object the detector found on a frame, before z-scoring.
 *
 * @param box   in the frame's pixel coordinates
 * @param label the class name
 * @param score the class score
 * @param raw   its four uncertainties (method.md §4)
 */
public record FoundObject(PixelBox box, String label, double score, ObjectUncertainty raw) {
}
