package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.glean.training.UncertaintyValidation.ImageScores;
import org.glean.uncertainty.ImageInformativeness;
import org.junit.jupiter.api.Test;

class UncertaintyValidationTest {

    private static final double NONE = ImageInformativeness.NO_OBJECTS_SCORE;

    @Test
    void noiseProbeRanksBothScoresAgainstTheNoiseLevelOfUnshiftedImagesOnly() {
        List<ImageScores> scores = List.of(
                new ImageScores("a", 1, 1, 0.1, 2.0, 5.0, "none"),
                new ImageScores("b", 1, 2, 0.5, 1.0, 20.0, "none"),
                new ImageScores("c", 1, 1, 0.9, 3.0, 40.0, "none"),
                new ImageScores("d", 1, 1, -9.0, 9.0, 99.0, "texture"));   // shifted: not part of the noise probe

        UncertaintyValidation.NoiseResult result = UncertaintyValidation.noise(scores);

        assertThat(result.images()).isEqualTo(3);
        assertThat(result.aleatoricRho()).isEqualTo(1.0);
        // epistemic ranks 2, 1, 3 against noise ranks 1, 2, 3: ρ = 1 − 6·(1+1+0)/(3·8) = 0.5
        assertThat(result.epistemicRho()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void imagesWithoutObjectsRankLowestAndAreCounted() {
        List<ImageScores> scores = List.of(
                new ImageScores("a", 1, 0, NONE, NONE, 5.0, "none"),
                new ImageScores("b", 1, 1, 0.2, 0.0, 10.0, "none"),
                new ImageScores("c", 1, 0, NONE, NONE, 80.0, "none"));

        UncertaintyValidation.NoiseResult result = UncertaintyValidation.noise(scores);

        assertThat(result.withoutObjects()).isEqualTo(2);
        // the two images without objects tie at the bottom: ranks 1.5, 3, 1.5 against noise ranks
        // 1, 2, 3, deviations (−½, 1, −½)·(−1, 0, 1) sum to 0
        assertThat(result.aleatoricRho()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void imagesWithoutAFindingAreLeftOutOfBothProbes() {
        List<ImageScores> scores = List.of(
                new ImageScores("a", 1, 1, 0.1, 0.1, 5.0, "none"),
                new ImageScores("b", 2, 1, 0.5, 0.9, 20.0, "none"),
                new ImageScores("empty", 0, 0, NONE, NONE, 90.0, "none"),
                new ImageScores("shifted", 1, 1, 0.2, 0.8, 10.0, "scale"),
                new ImageScores("empty-shifted", 0, 0, NONE, NONE, 10.0, "scale"));

        assertThat(UncertaintyValidation.noise(scores).images()).isEqualTo(2);
        assertThat(UncertaintyValidation.noise(scores).aleatoricRho()).isEqualTo(1.0);
        UncertaintyValidation.ShiftResult shift = UncertaintyValidation.shift(scores);
        assertThat(shift.inDistribution()).isEqualTo(2);
        assertThat(shift.shifted()).isEqualTo(1);
        // epistemic 0.8 beats 0.1, not 0.9
        assertThat(shift.epistemicAuroc()).isEqualTo(0.5);
    }

    @Test
    void shiftProbeGivesAurocOverallAndPerShiftKind() {
        List<ImageScores> scores = List.of(
                new ImageScores("in1", 1, 1, 0.3, 0.1, 10.0, "none"),
                new ImageScores("in2", 1, 1, 0.9, 0.4, 10.0, "none"),
                new ImageScores("contrast", 1, 1, 0.2, 0.9, 10.0, "contrast"),
                new ImageScores("texture", 1, 1, 0.8, 0.3, 10.0, "texture"));

        UncertaintyValidation.ShiftResult result = UncertaintyValidation.shift(scores);

        assertThat(result.inDistribution()).isEqualTo(2);
        assertThat(result.shifted()).isEqualTo(2);
        // epistemic: contrast 0.9 beats 0.1 and 0.4; texture 0.3 beats 0.1 only → 3 of 4 pairs
        assertThat(result.epistemicAuroc()).isEqualTo(0.75);
        // aleatoric: contrast 0.2 beats neither; texture 0.8 beats 0.3 → 1 of 4
        assertThat(result.aleatoricAuroc()).isEqualTo(0.25);
        assertThat(result.epistemicAurocPerShift()).containsEntry("contrast", 1.0).containsEntry("texture", 0.5);
    }

    @Test
    void probesWithoutWhatTheyMeasureAreRefusedWithTheReason() {
        List<ImageScores> unshifted = List.of(new ImageScores("a", 1, 1, 0, 0, 5.0, "none"),
                new ImageScores("b", 1, 1, 0, 0, 6.0, "none"));
        assertThatThrownBy(() -> UncertaintyValidation.shift(unshifted)).hasMessageContaining("--shift-probability");
        List<ImageScores> noNoise = List.of(new ImageScores("a", 1, 1, 0, 0, null, "none"),
                new ImageScores("b", 1, 1, 0, 0, null, "none"));
        assertThatThrownBy(() -> UncertaintyValidation.noise(noNoise)).hasMessageContaining("noise level");
    }
}
