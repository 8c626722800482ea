package org.glean.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankStatisticsTest {

    @Test
    void spearmanIsOneForAnyIncreasingRelationAndMinusOneForADecreasingOne() {
        double[] noise = {5, 10, 20, 40};
        assertThat(RankStatistics.spearman(noise, new double[] {0.1, 0.2, 3, 100})).isEqualTo(1.0);
        assertThat(RankStatistics.spearman(noise, new double[] {9, 8, 7, -1})).isEqualTo(-1.0);
    }

    @Test
    void spearmanWithATieWorkedOutByHand() {
        // ranks x = 1, 2.5, 2.5, 4 and y = 1, 3, 2, 4 (both mean 2.5):
        // Σdxdy = 2.25 + 0 + 0 + 2.25 = 4.5, Σdx² = 4.5, Σdy² = 5 → ρ = 4.5 / √22.5
        double rho = RankStatistics.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4});
        assertThat(rho).isCloseTo(4.5 / Math.sqrt(22.5), within(1e-12));
    }

    @Test
    void averageRanksShareTheMeanRankOfTies() {
        assertThat(RankStatistics.averageRanks(new double[] {3, 1, 3, 2, 3}))
                .containsExactly(4, 1, 4, 2, 4);
    }

    @Test
    void aurocCountsTheOrderedPositiveNegativePairs() {
        // pairs (positive, negative): 0.9>0.8, 0.9>0.6, 0.7<0.8, 0.7>0.6 → 3 of 4
        double auroc = RankStatistics.auroc(new double[] {0.9, 0.8, 0.7, 0.6}, new boolean[] {true, false, true, false});
        assertThat(auroc).isEqualTo(0.75);
        assertThat(RankStatistics.auroc(new double[] {1, 2}, new boolean[] {false, true})).isEqualTo(1.0);
        assertThat(RankStatistics.auroc(new double[] {1, 2}, new boolean[] {true, false})).isEqualTo(0.0);
    }

    @Test
    void aurocCountsATieAsOneHalf() {
        assertThat(RankStatistics.auroc(new double[] {5, 5, 1}, new boolean[] {true, false, false})).isEqualTo(0.75);
    }

    @Test
    void refusesWhatHasNoAnswer() {
        assertThatThrownBy(() -> RankStatistics.auroc(new double[] {1, 2}, new boolean[] {true, true}))
                .hasMessageContaining("both groups");
        assertThatThrownBy(() -> RankStatistics.spearman(new double[] {1}, new double[] {1}))
                .hasMessageContaining("≥ 2");
        assertThatThrownBy(() -> RankStatistics.spearman(new double[] {1, Double.NaN}, new double[] {1, 2}))
                .hasMessageContaining("NaN");
    }

    @Test
    void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(RankStatistics.median(new double[] {9, 1, 4})).isEqualTo(4);
        assertThat(RankStatistics.median(new double[] {8, 1, 4, 2})).isEqualTo(3);
        assertThatThrownBy(() -> RankStatistics.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
