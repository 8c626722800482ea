package org.glean.detector;

/**
 * How network outputs become detections (method.md §3).
 *
 * @param scoreThreshold detections need a class score at least this high; at the default 0.5
 *                       every detection is an object. Evaluation (mAP) lowers it, e.g. to 0.01,
 *                       to rank low-scoring boxes too.
 * @param nmsIou         per-class non-maximum suppression drops boxes overlapping a
 *                       higher-scoring box of the same class with IoU above this
 * @param maxDetections  at most this many candidates per class enter NMS, and at most this many
 *                       detections per image are returned (highest scores)
 */
public record DecoderSettings(double scoreThreshold, double nmsIou, int maxDetections) {

    public static final DecoderSettings DEFAULT = new DecoderSettings(0.5, 0.45, 200);

    public DecoderSettings {
        if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("score threshold must lie in [0, 1], got " + scoreThreshold);
        }
        if (!(nmsIou > 0 && nmsIou <= 1)) {
            throw new IllegalArgumentException("NMS IoU must lie in (0, 1], got " + nmsIou);
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException("maxDetections must be positive, got " + maxDetections);
        }
    }

    public DecoderSettings withScoreThreshold(double threshold) {
        return new DecoderSettings(threshold, nmsIou, maxDetections);
    }
}
