package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NonMaximumSuppressionTest {

    @Test
    void dropsBoxesOverlappingAHigherScoreAboveTheLimit() {
        List<Box> boxes = List.of(
                Box.fromCorners(0, 0, 1, 1),        // 0: score 0.8
                Box.fromCorners(0, 0, 1, 0.75),     // 1: IoU with 0 = 0.75 → dropped
                Box.fromCorners(0.5, 0, 1.5, 1),    // 2: IoU with 0 = 0.5/1.5 = 1/3 → kept
                Box.fromCorners(2, 2, 3, 3));       // 3: apart → kept
        double[] scores = {0.8, 0.9, 0.7, 0.6};
        // 1 has the top score, so it is kept and 0 (IoU 0.75 with it) goes
        assertThat(NonMaximumSuppression.select(boxes, scores, 0.45, 10)).containsExactly(1, 2, 3);
    }

    @Test
    void keepsABoxOverlappingExactlyAtTheLimit() {
        // [0,2]×[0,1] and [0,1]×[0,1]: intersection 1, union 2 → IoU 0.5
        List<Box> boxes = List.of(Box.fromCorners(0, 0, 2, 1), Box.fromCorners(0, 0, 1, 1));
        assertThat(NonMaximumSuppression.select(boxes, new double[] {0.9, 0.8}, 0.5, 10)).containsExactly(0, 1);
        assertThat(NonMaximumSuppression.select(boxes, new double[] {0.9, 0.8}, 0.45, 10)).containsExactly(0);
    }

    @Test
    void stopsAtTheMaximum() {
        List<Box> boxes = List.of(Box.fromCorners(0, 0, 1, 1), Box.fromCorners(2, 2, 3, 3), Box.fromCorners(4, 4, 5, 5));
        assertThat(NonMaximumSuppression.select(boxes, new double[] {0.1, 0.3, 0.2}, 0.45, 2)).containsExactly(1, 2);
    }
}
