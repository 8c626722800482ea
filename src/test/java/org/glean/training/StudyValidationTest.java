package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.glean.coco.CocoFile;
import org.glean.detector.Box;
import org.glean.detector.Detection;
import org.glean.detector.GroundTruthBox;
import org.glean.detector.MixtureParameters;
import org.glean.training.StudyValidation.StudyScores;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.ImageInformativeness;
import org.glean.uncertainty.KindStatistics;
import org.glean.uncertainty.UncertaintyStatistics;
import org.junit.jupiter.api.Test;

class StudyValidationTest {

    private static final double NONE = ImageInformativeness.NO_OBJECTS_SCORE;
    private static final Box NODULE = Box.fromCorners(0, 0, 0.25, 0.25);
    private static final Box ELSEWHERE = Box.fromCorners(0.5, 0.5, 0.75, 0.75);
    /** z = raw value, so that the scores below are the raw uncertainties. */
    private static final KindStatistics UNIT = new KindStatistics(0, 1);
    private static final UncertaintyStatistics IDENTITY = new UncertaintyStatistics(1, UNIT, UNIT, UNIT, UNIT);
    private static final ScoringThresholds THRESHOLDS = new ScoringThresholds(0.5, 0.1);

    @Test
    void aStudyPoolsItsImagesCountsShiftsAndScoresAsTheServerScoresIt() {
        // study 2.1 spans items 0 and 2: a found nodule (aleatoric 0.2) and a missed one on a shifted image
        List<PreprocessedDataset.Item> items = List.of(
                item("2.1", "none", new GroundTruthBox(NODULE, 1)),
                item("2.2", "none"),
                item("2.1", "contrast", new GroundTruthBox(ELSEWHERE, 1)),
                item("2.3", "none"));
        List<List<Detection>> detections = List.of(
                List.of(detection(NODULE, 0.2)),
                List.of(detection(NODULE, 0.5)),   // nothing to find there: a false positive
                List.of(),
                List.of());

        List<StudyScores> studies = StudyValidation.score(items, detections, IDENTITY, ImageAggregation.MAX, THRESHOLDS);

        assertThat(studies).extracting(StudyScores::study).containsExactly("2.1", "2.2", "2.3");
        StudyScores pooled = studies.get(0);
        assertThat(pooled.shifted()).as("shifted when any image is").isTrue();
        assertThat(pooled.objects()).isEqualTo(1);
        // the image with the object: al_loc 0.2 beats al_cls 0.01 and the epistemic 0 (one component)
        assertThat(pooled.aleatoric()).isCloseTo(0.2, within(1e-12));
        assertThat(pooled.epistemic()).isZero();
        assertThat(pooled.informativeness()).isCloseTo(0.2, within(1e-12));
        // TP 1, FN 1 over the study: 1 − 2/3, not the mean of its images' errors 0 and 1
        assertThat(pooled.error()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(studies.get(1).shifted()).isFalse();
        assertThat(studies.get(1).informativeness()).isCloseTo(0.5, within(1e-12));
        assertThat(studies.get(1).error()).isEqualTo(1.0);
        StudyScores empty = studies.get(2);
        assertThat(empty.objects()).isZero();
        assertThat(empty.informativeness()).isEqualTo(NONE);
        assertThat(empty.aleatoric()).isEqualTo(NONE);
        assertThat(empty.error()).as("nothing to find, nothing found").isZero();
    }

    @Test
    void aNearMissRaisesTheInformativenessButIsNotCountedAsADetection() {
        List<PreprocessedDataset.Item> items = List.of(item("3.1", "none", new GroundTruthBox(NODULE, 1)), item("3.2", "none"));
        List<List<Detection>> detections = List.of(List.of(detection(NODULE, 0.4, 0.3)), List.of(detection(NODULE, 0.6, 0.2)));

        List<StudyScores> studies = StudyValidation.score(items, detections, IDENTITY, ImageAggregation.MAX, THRESHOLDS);

        assertThat(studies.get(0).informativeness()).isCloseTo(0.4, within(1e-12));
        assertThat(studies.get(0).error()).as("the nodule scored 0.3 < 0.5: missed").isEqualTo(1.0);
        assertThat(studies.get(1).informativeness()).isCloseTo(0.6, within(1e-12));
        assertThat(studies.get(1).error()).as("a near miss on a normal study is no false positive").isZero();
    }

    @Test
    void informativenessIsRankedAgainstTheErrorOfEveryStudy() {
        // errors 0, 1 − 2/4 = 0.5 and 1 from the studies' counts
        List<StudyScores> studies = List.of(
                study("a", false, 0.3, new DetectionCounts(2, 0, 0)),
                study("b", false, 1.2, new DetectionCounts(1, 1, 1)),
                study("c", true, 0.9, new DetectionCounts(0, 1, 2)));

        StudyValidation.ErrorResult result = StudyValidation.error(studies);

        assertThat(result.studies()).isEqualTo(3);
        // informativeness ranks 1, 3, 2 against error ranks 1, 2, 3: ρ = 1 − 6·(0+1+1)/(3·8) = 0.5
        assertThat(result.rho()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void studyLevelShiftAurocComparesShiftedWithUnshiftedStudiesOnBothValues() {
        List<StudyScores> studies = List.of(
                new StudyScores("in1", false, 1, 0.3, 0.1, 0.3, 0),
                new StudyScores("in2", false, 0, NONE, NONE, NONE, 0),
                new StudyScores("out1", true, 2, 0.2, 0.9, 0.9, 0),
                new StudyScores("out2", true, 1, 0.8, 0.05, 0.8, 0));

        StudyValidation.ShiftResult result = StudyValidation.shift(studies);

        assertThat(result.inDistribution()).isEqualTo(2);
        assertThat(result.shifted()).isEqualTo(2);
        assertThat(result.withoutObjects()).isEqualTo(1);
        // epistemic: out1 0.9 beats 0.1 and NONE; out2 0.05 beats NONE only → 3 of 4
        assertThat(result.epistemicAuroc()).isEqualTo(0.75);
        // aleatoric: out1 0.2 beats NONE only; out2 0.8 beats both → 3 of 4
        assertThat(result.aleatoricAuroc()).isEqualTo(0.75);
    }

    @Test
    void withoutShiftedStudiesOrWithOneStudyTheFiguresAreUndefinedRatherThanRefused() {
        List<StudyScores> unshifted = List.of(study("a", false, 0.1, DetectionCounts.NONE),
                study("b", false, 0.2, DetectionCounts.NONE));

        StudyValidation.ShiftResult shift = StudyValidation.shift(unshifted);

        assertThat(shift.shifted()).isZero();
        assertThat(shift.epistemicAuroc()).isNaN();
        assertThat(shift.aleatoricAuroc()).isNaN();
        assertThat(StudyValidation.error(unshifted.subList(0, 1)).rho()).isNaN();
    }

    private static StudyScores study(String name, boolean shifted, double informativeness, DetectionCounts counts) {
        return new StudyScores(name, shifted, 1, informativeness, informativeness, informativeness, counts.error());
    }

    private static PreprocessedDataset.Item item(String study, String shift, GroundTruthBox... truths) {
        return new PreprocessedDataset.Item(study, null, List.of(truths), List.of(),
                new CocoFile.Image(1, "x.dcm", null, 1, 64, 64, study, null, "CT", 10.0, 0.0, shift));
    }

    /**
     * A nodule (class 1 of 1) from a one-component mixture: no epistemic uncertainty, localization
     * variance {@code aleatoric} on every coordinate, classification variance 0.01.
     */
    private static Detection detection(Box box, double aleatoric) {
        return detection(box, aleatoric, 0.9);
    }

    private static Detection detection(Box box, double aleatoric, double score) {
        double[][] one = {{1}, {1}, {1}, {1}};
        double[][] locVariances = {{aleatoric}, {aleatoric}, {aleatoric}, {aleatoric}};
        double[][] clsVariances = {{0.01, 0.01}};
        MixtureParameters mixture = new MixtureParameters(one, new double[4][1], locVariances, new double[] {1},
                new double[][] {{0, 1}}, clsVariances);
        return new Detection(0, 1, "nodule", score, box, null, mixture);
    }
}
