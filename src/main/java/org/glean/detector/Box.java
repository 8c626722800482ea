package org.glean.detector;

/**
 * An axis-aligned box in center form: center ({@code cx}, {@code cy}), width {@code w} and height
 * {@code h}. Anchors, ground truth and detections use it in normalised network-input coordinates,
 * where the input image spans [0, 1] on both axes and x grows to the right, y downwards.
 */
public record Box(double cx, double cy, double w, double h) {

    public Box {
        if (!(w >= 0) || !(h >= 0) || !Double.isFinite(cx) || !Double.isFinite(cy)
                || !Double.isFinite(w) || !Double.isFinite(h)) {
            throw new IllegalArgumentException("box needs finite coordinates and non-negative size, got "
                    + "cx=" + cx + " cy=" + cy + " w=" + w + " h=" + h);
        }
    }

    public static Box fromCorners(double xmin, double ymin, double xmax, double ymax) {
        return new Box((xmin + xmax) / 2, (ymin + ymax) / 2, xmax - xmin, ymax - ymin);
    }

    public double xmin() {
        return cx - w / 2;
    }

    public double ymin() {
        return cy - h / 2;
    }

    public double xmax() {
        return cx + w / 2;
    }

    public double ymax() {
        return cy + h / 2;
    }

    public double area() {
        return w * h;
    }

    /** Intersection over union; 0 when both boxes are empty. */
    public double iou(Box other) {
        double iw = Math.min(xmax(), other.xmax()) - Math.max(xmin(), other.xmin());
        double ih = Math.min(ymax(), other.ymax()) - Math.max(ymin(), other.ymin());
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double intersection = iw * ih;
        return intersection / (area() + other.area() - intersection);
    }

    /** This box cut to the unit square. */
    public Box clippedToUnit() {
        double x0 = clamp(xmin());
        double y0 = clamp(ymin());
        double x1 = clamp(xmax());
        double y1 = clamp(ymax());
        return fromCorners(x0, y0, x1, y1);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
