package org.glean.detector;

import java.util.ArrayList;
import java.util.List;

/**
 * All default boxes of a network, in the order its heads emit predictions: feature maps in
 * order, then rows, then columns, then the boxes of a cell as {@link FeatureMapAnchors} lists them.
 * Stored as flat arrays because matching touches every anchor for every ground-truth box.
 */
public final class Anchors {

    private final double[] cx;
    private final double[] cy;
    private final double[] w;
    private final double[] h;

    private Anchors(double[] cx, double[] cy, double[] w, double[] h) {
        this.cx = cx;
        this.cy = cy;
        this.w = w;
        this.h = h;
    }

    public static Anchors generate(List<FeatureMapAnchors> maps) {
        List<Box> boxes = new ArrayList<>();
        for (FeatureMapAnchors map : maps) {
            double side = Math.sqrt(map.minScale() * map.maxScale());
            for (int row = 0; row < map.size(); row++) {
                for (int col = 0; col < map.size(); col++) {
                    double x = (col + 0.5) / map.size();
                    double y = (row + 0.5) / map.size();
                    boxes.add(new Box(x, y, map.minScale(), map.minScale()));
                    boxes.add(new Box(x, y, side, side));
                    for (double ratio : map.aspectRatios()) {
                        double root = Math.sqrt(ratio);
                        boxes.add(new Box(x, y, map.minScale() * root, map.minScale() / root));
                        boxes.add(new Box(x, y, map.minScale() / root, map.minScale() * root));
                    }
                }
            }
        }
        return of(boxes);
    }

    /** Anchors given box by box, in prediction order. */
    static Anchors of(List<Box> boxes) {
        int n = boxes.size();
        double[] cx = new double[n];
        double[] cy = new double[n];
        double[] w = new double[n];
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
            Box box = boxes.get(i);
            cx[i] = box.cx();
            cy[i] = box.cy();
            w[i] = box.w();
            h[i] = box.h();
        }
        return new Anchors(cx, cy, w, h);
    }

    public int count() {
        return cx.length;
    }

    public Box get(int index) {
        return new Box(cx[index], cy[index], w[index], h[index]);
    }

    /** IoU of anchor {@code index} with {@code box}, without allocating. */
    double iou(int index, Box box) {
        double iw = Math.min(cx[index] + w[index] / 2, box.xmax()) - Math.max(cx[index] - w[index] / 2, box.xmin());
        double ih = Math.min(cy[index] + h[index] / 2, box.ymax()) - Math.max(cy[index] - h[index] / 2, box.ymin());
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double intersection = iw * ih;
        return intersection / (w[index] * h[index] + box.area() - intersection);
    }
}
