package org.glean.uncertainty;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UncertaintyStatisticsTest {

    /**
     * ep_loc (1, 1, 3, 3):         mean 2,    deviations (−1, −1, 1, 1),     Σd² = 4     → std = √(4/4) = 1
     * al_loc (2, 2, 6, 6):         mean 4,    deviations (−2, −2, 2, 2),     Σd² = 16    → std = √(16/4) = 2
     * ep_cls (0.5 four times):     mean 0.5,                                                 std = 0
     * al_cls (0.1, 0.2, 0.3, 0.4): mean 0.25, deviations (±0.15, ±0.05),     Σd² = 0.05  → std = √0.0125 = 1/(4√5)
     */
    private static final List<ObjectUncertainty> POOL = List.of(
            new ObjectUncertainty(1, 2, 0.5, 0.1),
            new ObjectUncertainty(1, 2, 0.5, 0.2),
            new ObjectUncertainty(3, 6, 0.5, 0.3),
            new ObjectUncertainty(3, 6, 0.5, 0.4));

    @Test
    void fitTakesMeanAndPopulationStandardDeviationOfEachKind() {
        UncertaintyStatistics statistics = UncertaintyStatistics.fit(POOL);
        assertThat(statistics.objectCount()).isEqualTo(4);
        assertThat(statistics.epistemicLocalization().mean()).isCloseTo(2, within(1e-12));
        assertThat(statistics.epistemicLocalization().std()).isCloseTo(1, within(1e-12));
        assertThat(statistics.aleatoricLocalization().mean()).isCloseTo(4, within(1e-12));
        assertThat(statistics.aleatoricLocalization().std()).isCloseTo(2, within(1e-12));
        assertThat(statistics.epistemicClassification().mean()).isCloseTo(0.5, within(1e-12));
        assertThat(statistics.epistemicClassification().std()).isZero();
        assertThat(statistics.aleatoricClassification().mean()).isCloseTo(0.25, within(1e-12));
        assertThat(statistics.aleatoricClassification().std()).isCloseTo(1 / (4 * Math.sqrt(5)), within(1e-12));
    }

    @Test
    void standardizeGivesZScoresAndZeroForAKindWithoutSpread() {
        // (3, 6, 0.9, 0.4) → ((3−2)/1, (6−4)/2, std 0 → 0, (0.4−0.25)·4√5 = 0.6√5)
        StandardizedUncertainty z = UncertaintyStatistics.fit(POOL).standardize(new ObjectUncertainty(3, 6, 0.9, 0.4));
        assertThat(z.epistemicLocalization()).isCloseTo(1, within(1e-12));
        assertThat(z.aleatoricLocalization()).isCloseTo(1, within(1e-12));
        assertThat(z.epistemicClassification()).isZero();
        assertThat(z.aleatoricClassification()).isCloseTo(0.6 * Math.sqrt(5), within(1e-12));
    }

    @Test
    void constantKindHasExactlyZeroStdDespiteRounding() {
        // 0.1 + 0.1 + 0.1 = 0.30000000000000004 in binary, so a plain mean would be 0.10000000000000002 and
        // the std a residue near 1e-17; the constant kind must instead give std 0 and z 0.
        List<ObjectUncertainty> pool = List.of(new ObjectUncertainty(0.1, 1, 1, 1),
                new ObjectUncertainty(0.1, 2, 1, 1), new ObjectUncertainty(0.1, 3, 1, 1));
        UncertaintyStatistics statistics = UncertaintyStatistics.fit(pool);
        assertThat(statistics.epistemicLocalization()).isEqualTo(new KindStatistics(0.1, 0));
        assertThat(statistics.standardize(new ObjectUncertainty(0.2, 2, 1, 1)).epistemicLocalization()).isZero();
    }

    @Test
    void emptyPoolGivesZeroStatisticsAndZeroZScores() {
        UncertaintyStatistics statistics = UncertaintyStatistics.fit(List.of());
        assertThat(statistics.objectCount()).isZero();
        for (UncertaintyKind kind : UncertaintyKind.values()) {
            assertThat(statistics.get(kind)).isEqualTo(new KindStatistics(0, 0));
        }
        assertThat(statistics.standardize(new ObjectUncertainty(5, 1, 2, 3)))
                .isEqualTo(new StandardizedUncertainty(0, 0, 0, 0));
    }

    @Test
    void jsonRoundTripKeepsEveryValueExactly() {
        UncertaintyStatistics statistics = UncertaintyStatistics.fit(POOL);
        String json = statistics.toJson();
        assertThat(json).contains("\"format\":\"glean-uncertainty-statistics\"", "\"version\":1", "\"objectCount\":4",
                "\"epistemicLocalization\":{\"mean\":2.0,\"std\":1.0}");
        assertThat(UncertaintyStatistics.fromJson(json)).isEqualTo(statistics);
    }

    @Test
    void fromJsonRejectsMalformedStatisticsWithAMessageNamingTheProblem() {
        String valid = UncertaintyStatistics.fit(POOL).toJson();
        assertThatThrownBy(() -> UncertaintyStatistics.fromJson("{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uncertainty statistics are not readable");
        assertThatThrownBy(() -> UncertaintyStatistics.fromJson(valid.replace("\"version\":1", "\"version\":2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> UncertaintyStatistics.fromJson(valid.replace("\"std\":2.0", "\"std\":-2.0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aleatoricLocalization: standard deviation -2.0 must be finite and ≥ 0");
        assertThatThrownBy(() -> UncertaintyStatistics.fromJson(valid.replace("\"mean\":0.5,", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epistemicClassification: missing value \"mean\"");
        assertThatThrownBy(() -> UncertaintyStatistics.fromJson(valid.replace("\"objectCount\":4", "\"objectCount\":\"four\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"objectCount\" is not a number");
    }
}
