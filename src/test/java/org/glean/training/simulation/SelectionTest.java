package org.glean.training.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.glean.uncertainty.ImageInformativeness;
import org.junit.jupiter.api.Test;

class SelectionTest {

    private static final double NONE = ImageInformativeness.NO_OBJECTS_SCORE;

    @Test
    void topTakesTheBudgetOfHighestScoresHighestFirst() {
        double[] scores = {0.1, 2.5, -1.0, 0.7, 3.0, 0.0};
        assertThat(Selection.top(scores, 3, new Random(1))).containsExactly(4, 1, 3);
    }

    @Test
    void imagesWithoutObjectsComeLastAndTiesAreDrawnNotTakenInPoolOrder() {
        double[] scores = {NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, 1.0, NONE};
        List<Integer> first = Selection.top(scores, 3, new Random(1));
        assertThat(first.get(0)).isEqualTo(8);
        assertThat(first).doesNotHaveDuplicates();
        // over a few draws, the tied images taken are not always the pool's first ones
        var seen = new HashSet<Integer>();
        for (long seed = 0; seed < 10; seed++) {
            seen.addAll(Selection.top(scores, 3, new Random(seed)).subList(1, 3));
        }
        assertThat(seen).hasSizeGreaterThan(2);
        assertThat(Selection.top(scores, 3, new Random(4))).isEqualTo(Selection.top(scores, 3, new Random(4)));
    }

    @Test
    void aBudgetBeyondThePoolTakesTheWholePool() {
        assertThat(Selection.top(new double[] {1, 3, 2}, 10, new Random(1))).containsExactly(1, 2, 0);
        assertThat(Selection.random(3, 10, new Random(1))).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(Selection.top(new double[0], 5, new Random(1))).isEmpty();
    }

    @Test
    void randomTakesDistinctImagesOfThePoolAndDependsOnTheSeed() {
        List<Integer> a = Selection.random(100, 20, new Random(1));
        assertThat(a).hasSize(20).doesNotHaveDuplicates().allMatch(i -> i >= 0 && i < 100);
        assertThat(Selection.random(100, 20, new Random(1))).isEqualTo(a);
        assertThat(Selection.random(100, 20, new Random(2))).isNotEqualTo(a);
        assertThatThrownBy(() -> Selection.random(-1, 2, new Random(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyStrategyButRandomHasAScorerAndNamesRoundTrip() {
        for (SelectionStrategy strategy : SelectionStrategy.values()) {
            assertThat(SelectionStrategy.of(strategy.label())).isEqualTo(strategy);
            assertThat(strategy.scorer(0.1, 5) == null).isEqualTo(strategy == SelectionStrategy.RANDOM);
        }
        assertThatThrownBy(() -> SelectionStrategy.of("mdn")).hasMessageContaining("mdn-max, mdn-mean");
    }
}
