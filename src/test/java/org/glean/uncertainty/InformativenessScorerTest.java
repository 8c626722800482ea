package org.glean.uncertainty;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InformativenessScorerTest {

    /** z = (u − mean)/std with ep_loc (1, 2), al_loc (0, 1), ep_cls (0, 1), al_cls (0.5, 0.5). */
    private static final UncertaintyStatistics STATISTICS = new UncertaintyStatistics(100,
            new KindStatistics(1, 2), new KindStatistics(0, 1), new KindStatistics(0, 1), new KindStatistics(0.5, 0.5));

    /**
     * object 0: (5, 0.5, 0.2, 0.5) → z = ((5−1)/2, 0.5, 0.2, (0.5−0.5)/0.5) = (2, 0.5, 0.2, 0)
     * object 1: (1, 1.5, 0.1, 1.0) → z = (0, 1.5, 0.1, 1)
     * per-kind maxima: (2 [obj 0], 1.5 [obj 1], 0.2 [obj 0], 1 [obj 1])
     * MAX = 2 (object 0, ep_loc); MEAN = (2 + 1.5 + 0.2 + 1)/4 = 4.7/4 = 1.175 (largest term still object 0's ep_loc)
     */
    private static final List<ObjectUncertainty> IMAGE_A = List.of(
            new ObjectUncertainty(5, 0.5, 0.2, 0.5),
            new ObjectUncertainty(1, 1.5, 0.1, 1.0));

    /** object 0: (1, 3, 0, 0.5) → z = (0, 3, 0, 0); MAX = 3 (al_loc), MEAN = 3/4 = 0.75. */
    private static final List<ObjectUncertainty> IMAGE_B = List.of(new ObjectUncertainty(1, 3, 0, 0.5));

    @Test
    void imageTakesPerKindMaximaOverObjectsThenTheirMax() {
        ImageInformativeness image = new InformativenessScorer(STATISTICS, ImageAggregation.MAX).scoreImage(IMAGE_A);
        assertThat(image.kindMaxima()).isEqualTo(new StandardizedUncertainty(2, 1.5, 0.2, 1));
        assertThat(image.score()).isEqualTo(2);
        assertThat(image.objectCount()).isEqualTo(2);
        assertThat(image.drivingObject()).isZero();
        assertThat(image.drivingKind()).isEqualTo(UncertaintyKind.EPISTEMIC_LOCALIZATION);
    }

    @Test
    void meanAggregationAveragesTheFourKindMaxima() {
        ImageInformativeness image = new InformativenessScorer(STATISTICS, ImageAggregation.MEAN).scoreImage(IMAGE_A);
        assertThat(image.score()).isCloseTo(1.175, within(1e-12));
        assertThat(image.drivingObject()).isZero();
        assertThat(image.drivingKind()).isEqualTo(UncertaintyKind.EPISTEMIC_LOCALIZATION);
    }

    @Test
    void imageWithoutObjectsGetsTheLowestScoreAndObjectCountZero() {
        ImageInformativeness empty = new InformativenessScorer(STATISTICS, ImageAggregation.MAX).scoreImage(List.of());
        assertThat(empty.score()).isEqualTo(-Double.MAX_VALUE).isEqualTo(ImageInformativeness.NO_OBJECTS_SCORE);
        assertThat(empty.objectCount()).isZero();
        assertThat(empty.hasObjects()).isFalse();
        assertThat(empty.drivingObject()).isEqualTo(ImageInformativeness.NONE);
        assertThat(empty.drivingKind()).isNull();

        // Even an object far below every mean outranks an image without objects: z = (0 − 1)/2 = −0.5 at most.
        ImageInformativeness calm = new InformativenessScorer(STATISTICS, ImageAggregation.MEAN)
                .scoreImage(List.of(new ObjectUncertainty(0, 0, 0, 0)));
        assertThat(calm.score()).isLessThan(0).isGreaterThan(empty.score());
    }

    @Test
    void studyTakesTheBestImageAndNamesTheImageAndObjectThatDroveIt() {
        // Images in study order: A, an empty frame, B.
        List<List<ObjectUncertainty>> study = List.of(IMAGE_A, List.of(), IMAGE_B);

        // MAX: A = 2, empty = lowest, B = 3 → study 3, driven by image 2, its object 0, through al_loc.
        StudyInformativeness byMax = new InformativenessScorer(STATISTICS, ImageAggregation.MAX).scoreStudy(study);
        assertThat(byMax.images()).extracting(ImageInformativeness::score)
                .containsExactly(2.0, ImageInformativeness.NO_OBJECTS_SCORE, 3.0);
        assertThat(byMax.score()).isEqualTo(3);
        assertThat(byMax.drivingImage()).isEqualTo(2);
        assertThat(byMax.drivingObject()).isZero();
        assertThat(byMax.drivingKind()).isEqualTo(UncertaintyKind.ALEATORIC_LOCALIZATION);
        assertThat(byMax.objectCount()).isEqualTo(3);

        // MEAN: A = 1.175, B = 0.75 → study 1.175, now driven by image 0, its object 0, through ep_loc.
        StudyInformativeness byMean = new InformativenessScorer(STATISTICS, ImageAggregation.MEAN).scoreStudy(study);
        assertThat(byMean.score()).isCloseTo(1.175, within(1e-12));
        assertThat(byMean.drivingImage()).isZero();
        assertThat(byMean.drivingObject()).isZero();
        assertThat(byMean.drivingKind()).isEqualTo(UncertaintyKind.EPISTEMIC_LOCALIZATION);
    }

    @Test
    void tiesGoToTheFirstObjectAndTheFirstImage() {
        ObjectUncertainty same = new ObjectUncertainty(3, 0, 0, 0.5);
        StudyInformativeness study = new InformativenessScorer(STATISTICS, ImageAggregation.MAX)
                .scoreStudy(List.of(List.of(), List.of(same, same), List.of(same)));
        assertThat(study.drivingImage()).isEqualTo(1);
        assertThat(study.drivingObject()).isZero();
    }

    @Test
    void studyWithoutObjectsHasTheLowestScoreAndNoDrivingImage() {
        InformativenessScorer scorer = new InformativenessScorer(STATISTICS, ImageAggregation.MAX);
        for (List<List<ObjectUncertainty>> images : List.of(List.<List<ObjectUncertainty>>of(), List.of(List.<ObjectUncertainty>of(), List.<ObjectUncertainty>of()))) {
            StudyInformativeness study = scorer.scoreStudy(images);
            assertThat(study.score()).isEqualTo(ImageInformativeness.NO_OBJECTS_SCORE);
            assertThat(study.drivingImage()).isEqualTo(ImageInformativeness.NONE);
            assertThat(study.drivingObject()).isEqualTo(ImageInformativeness.NONE);
            assertThat(study.images()).hasSize(images.size());
        }
    }

    @Test
    void statisticsFittedOnThePoolPutTheMostUnusualObjectOnTop() {
        // Pool ep_loc (1, 1, 1, 5): mean 2, Σd² = 3·1 + 9 = 12, std = √3; other kinds constant → z 0.
        // z of ep_loc 5 = 3/√3 = √3, the largest image score. Image 0 holds only ep_loc 1 → z = −1/√3,
        // and its constant kinds have z = 0, so its score is max(−1/√3, 0, 0, 0) = 0.
        List<ObjectUncertainty> pool = List.of(new ObjectUncertainty(1, 0.2, 0.1, 0.3),
                new ObjectUncertainty(1, 0.2, 0.1, 0.3), new ObjectUncertainty(1, 0.2, 0.1, 0.3),
                new ObjectUncertainty(5, 0.2, 0.1, 0.3));
        InformativenessScorer scorer = new InformativenessScorer(UncertaintyStatistics.fit(pool), ImageAggregation.MAX);
        StudyInformativeness study = scorer.scoreStudy(List.of(pool.subList(0, 2), pool.subList(2, 4)));
        assertThat(study.score()).isCloseTo(Math.sqrt(3), within(1e-12));
        assertThat(study.drivingImage()).isEqualTo(1);
        assertThat(study.drivingObject()).isEqualTo(1);
        assertThat(study.images().get(0).kindMaxima().epistemicLocalization()).isCloseTo(-1 / Math.sqrt(3), within(1e-12));
        assertThat(study.images().get(0).score()).isZero();
    }
}
