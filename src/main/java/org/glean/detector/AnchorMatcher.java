package org.glean.detector;

import java.util.Arrays;
import java.util.List;

/**
 * Assigns ground-truth boxes to anchors (method.md §1): an anchor is positive for the box it
 * overlaps most when that IoU exceeds 0.5; besides, every box claims the anchor it overlaps most,
 * whatever the IoU, so that no annotated object goes unlearned. When two boxes claim the same
 * anchor, the later box wins. Positive anchors get the box's label and its offsets
 * ({@link BoxCoding}); all others are background (label 0, offsets 0).
 */
public final class AnchorMatcher {

    public static final double POSITIVE_IOU = 0.5;

    private final Anchors anchors;

    public AnchorMatcher(Anchors anchors) {
        this.anchors = anchors;
    }

    /** Targets of one image. */
    public record Targets(int[] labels, float[] offsets) {

        /** Number of positive anchors. */
        public int positives() {
            return (int) Arrays.stream(labels).filter(l -> l > 0).count();
        }
    }

    public Targets match(List<GroundTruthBox> truths) {
        int count = anchors.count();
        int[] labels = new int[count];
        float[] offsets = new float[count * 4];
        if (truths.isEmpty()) {
            return new Targets(labels, offsets);
        }
        int[] bestTruth = new int[count];
        double[] bestOverlap = new double[count];
        int[] forced = new int[truths.size()];
        for (int t = 0; t < truths.size(); t++) {
            Box box = truths.get(t).box();
            double best = -1;
            for (int a = 0; a < count; a++) {
                double iou = anchors.iou(a, box);
                if (iou > bestOverlap[a]) {
                    bestOverlap[a] = iou;
                    bestTruth[a] = t;
                }
                if (iou > best) {
                    best = iou;
                    forced[t] = a;
                }
            }
        }
        boolean[] positive = new boolean[count];
        for (int a = 0; a < count; a++) {
            positive[a] = bestOverlap[a] > POSITIVE_IOU;
        }
        for (int t = 0; t < truths.size(); t++) {
            bestTruth[forced[t]] = t;
            positive[forced[t]] = true;
        }
        for (int a = 0; a < count; a++) {
            if (positive[a]) {
                GroundTruthBox truth = truths.get(bestTruth[a]);
                labels[a] = truth.label();
                double[] code = BoxCoding.encode(truth.box(), anchors.get(a));
                for (int b = 0; b < 4; b++) {
                    offsets[a * 4 + b] = (float) code[b];
                }
            }
        }
        return new Targets(labels, offsets);
    }
}
