package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorMatcherTest {

    // Dyadic coordinates keep every IoU below exact in floating point.
    private static final Anchors ANCHORS = Anchors.of(List.of(
            Box.fromCorners(0, 0, 0.5, 0.25),     // 0
            Box.fromCorners(0, 0, 0.5, 0.5),      // 1
            Box.fromCorners(0, 0, 0.5, 0.3125),   // 2
            Box.fromCorners(0.5, 0.5, 1, 1),      // 3
            Box.fromCorners(0.5, 0, 1, 0.5)));    // 4

    private final AnchorMatcher matcher = new AnchorMatcher(ANCHORS);

    @Test
    void positiveOnlyAboveHalfOverlap() {
        GroundTruthBox truth = new GroundTruthBox(Box.fromCorners(0, 0, 0.5, 0.25), 2);
        AnchorMatcher.Targets targets = matcher.match(List.of(truth));
        // IoU: anchor 0 → 1, anchor 1 → 0.125/0.25 = 0.5 exactly, anchor 2 → 0.125/0.15625 = 0.8
        assertThat(targets.labels()).containsExactly(2, 0, 2, 0, 0);
        assertThat(targets.positives()).isEqualTo(2);
    }

    @Test
    void everyBoxClaimsItsBestAnchorWhateverTheOverlap() {
        GroundTruthBox tiny = new GroundTruthBox(Box.fromCorners(0.75, 0.75, 0.8125, 0.8125), 1);
        AnchorMatcher.Targets targets = matcher.match(List.of(tiny));
        // its best anchor is 3 with IoU 1/64
        assertThat(targets.labels()).containsExactly(0, 0, 0, 1, 0);
        double[] expected = BoxCoding.encode(tiny.box(), ANCHORS.get(3));
        for (int b = 0; b < 4; b++) {
            assertThat((double) targets.offsets()[3 * 4 + b]).isCloseTo(expected[b], within(1e-6));
        }
    }

    @Test
    void laterBoxWinsAnAnchorBothClaim() {
        GroundTruthBox left = new GroundTruthBox(Box.fromCorners(0.5, 0, 0.75, 0.5), 1);
        GroundTruthBox right = new GroundTruthBox(Box.fromCorners(0.75, 0, 1, 0.5), 3);
        AnchorMatcher.Targets targets = matcher.match(List.of(left, right));
        assertThat(targets.labels()).containsExactly(0, 0, 0, 0, 3);
        double[] expected = BoxCoding.encode(right.box(), ANCHORS.get(4));
        assertThat((double) targets.offsets()[4 * 4]).isCloseTo(expected[0], within(1e-6));
    }

    @Test
    void anImageWithoutBoxesIsAllBackground() {
        AnchorMatcher.Targets targets = matcher.match(List.of());
        assertThat(targets.labels()).containsOnly(0);
        assertThat(targets.offsets()).containsOnly(0f);
    }
}
