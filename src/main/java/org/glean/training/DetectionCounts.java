package org.glean.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.glean.detector.Detection;
import org.glean.detector.GroundTruthBox;

/**
 * How the served detections of an image or study fare against its ground truth: true positives,
 * false positives and missed findings, and the model's error 1 − F1 from them.
 */
public record DetectionCounts(int truePositives, int falsePositives, int falseNegatives) {

    public static final DetectionCounts NONE = new DetectionCounts(0, 0, 0);

    /** A detection matches a ground-truth box of its class at IoU at least this. */
    public static final double MATCH_IOU = 0.5;

    /**
     * Greedy matching: detections by descending score, each takes the not yet matched ground-truth
     * box of its class with the largest IoU ≥ {@link #MATCH_IOU}; a detection that finds none is a
     * false positive, a box left unmatched a false negative.
     */
    public static DetectionCounts match(List<GroundTruthBox> truths, List<Detection> detections) {
        List<Detection> ranked = new ArrayList<>(detections);
        ranked.sort(Comparator.comparingDouble(Detection::score).reversed());
        boolean[] matched = new boolean[truths.size()];
        int truePositives = 0;
        for (Detection detection : ranked) {
            int best = -1;
            double bestIou = MATCH_IOU;
            for (int g = 0; g < truths.size(); g++) {
                double iou = truths.get(g).box().iou(detection.box());
                if (!matched[g] && truths.get(g).label() == detection.label() && iou >= bestIou) {
                    best = g;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                matched[best] = true;
                truePositives++;
            }
        }
        return new DetectionCounts(truePositives, ranked.size() - truePositives, truths.size() - truePositives);
    }

    public DetectionCounts plus(DetectionCounts other) {
        return new DetectionCounts(truePositives + other.truePositives, falsePositives + other.falsePositives,
                falseNegatives + other.falseNegatives);
    }

    /**
     * 1 − F1 with F1 = 2TP / (2TP + FP + FN); 0 when there is neither a finding nor a detection,
     * since then the model got everything right.
     */
    public double error() {
        int denominator = 2 * truePositives + falsePositives + falseNegatives;
        return denominator == 0 ? 0 : 1 - 2.0 * truePositives / denominator;
    }
}
