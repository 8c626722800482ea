package org.glean.dicom;

/**
 * One object in a region report: a box on a frame with its class and, for a detector's object,
 * its measurements.
 *
 * @param image        the frame the box is on
 * @param label        the class name, as the model's manifest gives it
 * @param xmin         left edge, in the frame's pixel columns (column c spans [c, c+1))
 * @param measurements the detector's values; null for a box a person drew
 */
public record ReportedRegion(ReferencedFrame image, String label, double xmin, double ymin, double xmax, double ymax,
                             Measurements measurements) {

    /** The detector's class score and the four raw uncertainties of the object (method.md §4). */
    public record Measurements(double score, double epistemicLocalization, double aleatoricLocalization,
                               double epistemicClassification, double aleatoricClassification) {
    }
}
