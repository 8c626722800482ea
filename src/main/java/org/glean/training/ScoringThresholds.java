package org.glean.training;

import java.util.List;
import org.glean.detector.DecoderSettings;
import org.glean.detector.Detection;

/**
 * The two scores the server scores studies with: detections at or above {@code object} are
 * objects (served, pre-annotated, counted for the model's error); those from {@code candidate} up
 * to it are near misses, which the informativeness hears too (glean.inference.object-threshold and
 * candidate-threshold).
 */
public record ScoringThresholds(double object, double candidate) {

    public ScoringThresholds {
        if (!(object >= 0 && object <= 1) || !(candidate >= 0 && candidate <= 1)) {
            throw new IllegalArgumentException("the object and candidate thresholds must lie in [0, 1], got "
                    + object + " and " + candidate);
        }
    }

    /** The lowest score that is scored: the candidate threshold, or the object threshold if lower. */
    public double lowest() {
        return Math.min(object, candidate);
    }

    /** The decoding that keeps every detection the informativeness hears. */
    public DecoderSettings decoder() {
        return DecoderSettings.DEFAULT.withScoreThreshold(lowest());
    }

    /** The objects among {@code detections}. */
    public List<Detection> objects(List<Detection> detections) {
        return detections.stream().filter(d -> d.score() >= object).toList();
    }
}
