package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.glean.detector.Box;
import org.glean.detector.Detection;
import org.glean.detector.GroundTruthBox;
import org.junit.jupiter.api.Test;

class DetectionCountsTest {

    private static final Box TOP_LEFT = Box.fromCorners(0, 0, 0.25, 0.25);
    private static final Box BOTTOM_RIGHT = Box.fromCorners(0.5, 0.5, 0.75, 0.75);

    @Test
    void theHigherScoringOfTwoDetectionsOfOneObjectMatchesAndTheOtherIsAFalsePositive() {
        // the lower-scoring duplicate fits the box exactly and comes first: the score decides
        Detection exact = detection(1, 0.6, TOP_LEFT);
        Detection offset = detection(1, 0.9, Box.fromCorners(0, 0, 0.25, 0.3));
        List<GroundTruthBox> truths = List.of(new GroundTruthBox(TOP_LEFT, 1), new GroundTruthBox(BOTTOM_RIGHT, 1));

        DetectionCounts counts = DetectionCounts.match(truths, List.of(exact, offset));

        assertThat(counts).isEqualTo(new DetectionCounts(1, 1, 1));
        // F1 = 2 / (2 + 1 + 1)
        assertThat(counts.error()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void aDetectionOfAnotherClassOrBelowIouOneHalfDoesNotMatch() {
        Box twiceAsTall = Box.fromCorners(0, 0, 0.25, 0.5);   // IoU exactly 0.5 with TOP_LEFT: a match
        Box thriceAsTall = Box.fromCorners(0, 0, 0.25, 0.75); // IoU 1/3
        List<GroundTruthBox> truths = List.of(new GroundTruthBox(TOP_LEFT, 1), new GroundTruthBox(BOTTOM_RIGHT, 2));

        assertThat(DetectionCounts.match(truths, List.of(detection(1, 0.9, twiceAsTall))))
                .isEqualTo(new DetectionCounts(1, 0, 1));
        assertThat(DetectionCounts.match(truths, List.of(detection(1, 0.9, thriceAsTall))))
                .isEqualTo(new DetectionCounts(0, 1, 2));
        assertThat(DetectionCounts.match(truths, List.of(detection(1, 0.9, BOTTOM_RIGHT))))
                .isEqualTo(new DetectionCounts(0, 1, 2));
    }

    @Test
    void errorIsOneMinusF1OfTheSummedCountsAndZeroWithNothingToFindAndNothingFound() {
        DetectionCounts study = new DetectionCounts(2, 0, 0).plus(new DetectionCounts(0, 1, 1));

        assertThat(study).isEqualTo(new DetectionCounts(2, 1, 1));
        // F1 = 4 / (4 + 1 + 1) = 2/3
        assertThat(study.error()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(DetectionCounts.NONE.error()).isZero();
        assertThat(new DetectionCounts(0, 2, 0).error()).isEqualTo(1.0);
        assertThat(DetectionCounts.match(List.of(), List.of())).isEqualTo(DetectionCounts.NONE);
    }

    static Detection detection(int label, double score, Box box) {
        return new Detection(0, label, "class " + label, score, box, null, null);
    }
}
