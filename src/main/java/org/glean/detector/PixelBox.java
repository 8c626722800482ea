package org.glean.detector;

/**
 * A box in the pixel coordinates of an original frame: column {@code c} spans [c, c+1) and row
 * {@code r} spans [r, r+1), so a box covering whole pixels 10 … 19 runs from 10 to 20 (COCO's
 * convention).
 */
public record PixelBox(double xmin, double ymin, double xmax, double ymax) {

    public double width() {
        return xmax - xmin;
    }

    public double height() {
        return ymax - ymin;
    }
}
