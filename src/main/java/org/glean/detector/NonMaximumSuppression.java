package org.glean.detector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Greedy non-maximum suppression: visit candidates from the highest score down, keep one unless
 * it overlaps an already kept box with IoU above the limit. Ties in score keep the candidate
 * listed first.
 */
public final class NonMaximumSuppression {

    private NonMaximumSuppression() {
    }

    /**
     * Indices into {@code boxes} of the kept candidates, highest score first, at most
     * {@code maxKept} of them.
     */
    public static List<Integer> select(List<Box> boxes, double[] scores, double iouLimit, int maxKept) {
        if (boxes.size() != scores.length) {
            throw new IllegalArgumentException(boxes.size() + " boxes but " + scores.length + " scores");
        }
        List<Integer> order = new ArrayList<>(boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<Integer> kept = new ArrayList<>();
        for (int candidate : order) {
            if (kept.size() == maxKept) {
                break;
            }
            Box box = boxes.get(candidate);
            boolean suppressed = false;
            for (int k : kept) {
                if (boxes.get(k).iou(box) > iouLimit) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(candidate);
            }
        }
        return kept;
    }
}
