package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.glean.training.UncertaintyValidation.ImageScores;
import org.glean.uncertainty.ImageInformativeness;
import org.junit.jupiter.api.Test;

class PairAgreementTest {

    private static final double NONE = ImageInformativeness.NO_OBJECTS_SCORE;

    @Test
    void countsEveryPairOfLevelsOfAnImageByWhetherTheNoisierRenderingScoresHigher() {
        // given out of noise order: the pairs are ordered by noise, not by position
        List<ImageScores> image = List.of(rendering(80, 1, 0.3), rendering(5, 1, 0.1), rendering(40, 1, 0.5));

        PairAgreement result = PairAgreement.of(List.of(image));

        // 5 → 40: 0.1 < 0.5 agrees; 5 → 80: 0.1 < 0.3 agrees; 40 → 80: 0.5 > 0.3 does not
        assertThat(result).isEqualTo(new PairAgreement(3, 2, 0));
        assertThat(result.share()).isEqualTo(2.0 / 3);
    }

    @Test
    void tiesAndPairsWithoutObjectsCountAsNotAgreeingAndPairsWithoutObjectsAreCountedApart() {
        List<ImageScores> lostAtTheEnds = List.of(rendering(5, 0, NONE), rendering(40, 1, 0.2), rendering(80, 0, NONE));
        List<ImageScores> tied = List.of(rendering(5, 1, 0.4), rendering(40, 1, 0.4));

        PairAgreement result = PairAgreement.of(List.of(lostAtTheEnds, tied));

        // 5 → 40: nothing found, then 0.2: agrees; 5 → 80: nothing found in either: a tie, counted apart;
        // 40 → 80: the object is lost at the higher level, which scores lowest: disagrees; the tie disagrees
        assertThat(result).isEqualTo(new PairAgreement(4, 1, 1));
        assertThat(result.share()).isEqualTo(0.25);
    }

    @Test
    void imagesWithoutAFindingAndRenderingsAtTheSameLevelMakeNoPair() {
        ImageScores emptyLow = new ImageScores("e", 0, 1, 0.1, 0, 5.0, "none");
        ImageScores emptyHigh = new ImageScores("e", 0, 1, 0.9, 0, 80.0, "none");
        List<ImageScores> sameLevel = List.of(rendering(40, 1, 0.1), rendering(40, 1, 0.9));

        PairAgreement result = PairAgreement.of(List.of(List.of(emptyLow, emptyHigh), sameLevel));

        assertThat(result.pairs()).isZero();
        assertThat(result.share()).isNaN();
    }

    private static ImageScores rendering(double noise, int objects, double aleatoric) {
        return new ImageScores("image", 1, objects, aleatoric, 0, noise, "none");
    }
}
