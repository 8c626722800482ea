package org.glean.training;

import java.time.Instant;
import java.util.List;

/**
 * How this deployment's model has improved with annotation: every version that has been current,
 * in the order each first became current, with its held-out mAP@0.5 and the annotations it was
 * trained on.
 *
 * @param annotationsNow annotations submitted so far, the curve's right end
 */
public record LearningCurve(List<Point> points, long annotationsNow) {

    public LearningCurve {
        points = List.copyOf(points);
    }

    /**
     * One version that has been current.
     *
     * @param trainingAnnotations as {@link ModelVersionInfo#trainingAnnotations()}: null when not recorded
     * @param validationMap       as {@link ModelVersionInfo#validationMap()}: null for one installed by hand
     * @param firstCurrentAt      when it first became current
     * @param current             whether it is current now
     * @param rolledBack          whether a rollback took it out of service
     */
    public record Point(String versionId, Integer trainingAnnotations, Double validationMap, Instant firstCurrentAt,
                        boolean current, boolean rolledBack) {
    }
}
