package org.glean.training;

import org.glean.training.MeanAveragePrecision.Box;
import org.glean.training.MeanAveragePrecision.ClassResult;
import org.glean.training.MeanAveragePrecision.Detection;
import org.glean.training.MeanAveragePrecision.GroundTruth;
import org.glean.training.MeanAveragePrecision.Result;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MeanAveragePrecisionTest {

    private static final List<GroundTruth> NODULES = List.of(
            new GroundTruth("img1", "nodule", new Box(0, 0, 10, 10)),    // g1
            new GroundTruth("img1", "nodule", new Box(20, 20, 30, 30)),  // g2
            new GroundTruth("img2", "nodule", new Box(0, 0, 10, 10)));   // g3

    /**
     * Ranked by score (given out of order on purpose):
     * <pre>
     *  rank score image box              best IoU                    outcome   TP FP  recall  precision
     *   1   0.9   img2  [50,50,60,60]    0 (g3)                      FP         0  1   0       0
     *   2   0.8   img1  [0,0,10,10]      1 (g1)                      TP g1      1  1   1/3     1/2
     *   3   0.7   img1  [20,20,30,30]    1 (g2)                      TP g2      2  1   2/3     2/3
     *   4   0.6   img1  [1,0,11,10]      90/110 = 0.82 (g1, taken)   FP dup     2  2   2/3     2/4
     *   5   0.5   img2  [0,0,10,20]      100/200 = 0.5, not > 0.5    FP         2  3   2/3     2/5
     * </pre>
     * g3 is never found (a miss). Envelope p̂ (max to the right): 2/3, 2/3, 2/3, 1/2, 2/5.
     * AP = (1/3 − 0)·p̂(rank 2) + (2/3 − 1/3)·p̂(rank 3) + (1 − 2/3)·0 = 2/9 + 2/9 = 4/9.
     * Without the envelope it would be 1/3·1/2 + 1/3·2/3 = 7/18.
     */
    private static final List<Detection> NODULE_DETECTIONS = List.of(
            new Detection("img1", "nodule", 0.6, new Box(1, 0, 11, 10)),
            new Detection("img2", "nodule", 0.5, new Box(0, 0, 10, 20)),
            new Detection("img1", "nodule", 0.8, new Box(0, 0, 10, 10)),
            new Detection("img2", "nodule", 0.9, new Box(50, 50, 60, 60)),
            new Detection("img1", "nodule", 0.7, new Box(20, 20, 30, 30)));

    @Test
    void handWorkedExampleWithADuplicateAndAMissUsesThePrecisionEnvelope() {
        Result result = MeanAveragePrecision.evaluate(NODULES, NODULE_DETECTIONS);
        ClassResult nodule = result.perClass().get("nodule");
        assertThat(nodule.groundTruthCount()).isEqualTo(3);
        assertThat(nodule.detectionCount()).isEqualTo(5);
        assertThat(nodule.truePositives()).isEqualTo(2);
        assertThat(nodule.averagePrecision()).isCloseTo(4.0 / 9, within(1e-12));
        assertThat(result.meanAveragePrecision()).isCloseTo(4.0 / 9, within(1e-12));
    }

    @Test
    void iouOfExactlyOneHalfIsNotAMatch() {
        Box truth = new Box(0, 0, 10, 10);
        Box twiceAsTall = new Box(0, 0, 10, 20);
        assertThat(twiceAsTall.iou(truth)).isEqualTo(0.5);
        Result result = MeanAveragePrecision.evaluate(List.of(new GroundTruth("img", "mass", truth)),
                List.of(new Detection("img", "mass", 0.9, twiceAsTall)));
        assertThat(result.perClass().get("mass").averagePrecision()).isZero();
    }

    @Test
    void meanIsOverClassesWithGroundTruth() {
        // nodule 4/9 (above); mass found exactly → 1; calcification never detected → 0;
        // "artifact" has no ground truth and does not enter the mean. mAP = (4/9 + 1 + 0)/3 = 13/27.
        List<GroundTruth> truth = new ArrayList<>(NODULES);
        truth.add(new GroundTruth("img2", "mass", new Box(0, 0, 20, 20)));
        truth.add(new GroundTruth("img1", "calcification", new Box(40, 40, 44, 44)));
        List<Detection> detections = new ArrayList<>(NODULE_DETECTIONS);
        detections.add(new Detection("img2", "mass", 0.3, new Box(0, 0, 20, 20)));
        detections.add(new Detection("img1", "artifact", 0.99, new Box(40, 40, 44, 44)));

        Result result = MeanAveragePrecision.evaluate(truth, detections);
        assertThat(result.perClass()).containsOnlyKeys("nodule", "mass", "calcification");
        assertThat(result.perClass().get("mass").averagePrecision()).isCloseTo(1, within(1e-12));
        assertThat(result.perClass().get("calcification").averagePrecision()).isZero();
        assertThat(result.meanAveragePrecision()).isCloseTo(13.0 / 27, within(1e-12));
    }

    @Test
    void eachGroupOfImagesIsEvaluatedOnItsOwnBoxesAndDetections() {
        // img1 (CT) holds g1, g2, found by the 0.8 and 0.7 detections before its 0.6 duplicate: AP 1.
        // img2 (DX) holds g3, never found (0.9 and 0.5 are false positives): nodule AP 0; its mass is
        // found exactly: AP 1; DX mAP (0 + 1)/2. img3 (MR) has a detection but no ground truth.
        List<GroundTruth> truth = new ArrayList<>(NODULES);
        truth.add(new GroundTruth("img2", "mass", new Box(0, 0, 20, 20)));
        List<Detection> detections = new ArrayList<>(NODULE_DETECTIONS);
        detections.add(new Detection("img2", "mass", 0.3, new Box(0, 0, 20, 20)));
        detections.add(new Detection("img3", "nodule", 0.99, new Box(0, 0, 10, 10)));
        Map<String, String> modality = Map.of("img1", "CT", "img2", "DX", "img3", "MR");

        Map<String, Result> perGroup = MeanAveragePrecision.evaluatePerGroup(truth, detections, modality::get);

        assertThat(perGroup).containsOnlyKeys("CT", "DX");
        assertThat(perGroup.get("CT").meanAveragePrecision()).isCloseTo(1, within(1e-12));
        assertThat(perGroup.get("CT").perClass().get("nodule").detectionCount()).isEqualTo(3);
        assertThat(perGroup.get("DX").perClass().get("nodule").averagePrecision()).isZero();
        assertThat(perGroup.get("DX").meanAveragePrecision()).isCloseTo(0.5, within(1e-12));
        // pooled, CT's nodules share a curve with the DX and MR false positives 0.99 and 0.9 ranked first:
        // TP at precision 1/3 and 2/4, envelope 1/2 at both recall steps, nodule AP 1/3, mAP (1/3 + 1)/2
        assertThat(MeanAveragePrecision.evaluate(truth, detections).meanAveragePrecision())
                .isCloseTo((1.0 / 3 + 1) / 2, within(1e-12));
    }

    @Test
    void perfectDetectorScoresOne() {
        List<GroundTruth> truth = List.of(
                new GroundTruth("a", "nodule", new Box(0, 0, 5, 5)),
                new GroundTruth("a", "mass", new Box(10, 10, 30, 30)),
                new GroundTruth("b", "nodule", new Box(3, 3, 9, 9)),
                new GroundTruth("b", "nodule", new Box(50, 50, 55, 55)));
        List<Detection> detections = List.of(
                new Detection("a", "nodule", 0.6, new Box(0, 0, 5, 5)),
                new Detection("a", "mass", 0.7, new Box(10, 10, 30, 30)),
                new Detection("b", "nodule", 0.95, new Box(3, 3, 9, 9)),
                new Detection("b", "nodule", 0.51, new Box(50, 50, 55, 55)));
        Result result = MeanAveragePrecision.evaluate(truth, detections);
        assertThat(result.meanAveragePrecision()).isEqualTo(1.0);
        assertThat(result.perClass().values()).extracting(ClassResult::averagePrecision).containsOnly(1.0);
    }

    @Test
    void noDetectionsScoresZero() {
        Result result = MeanAveragePrecision.evaluate(NODULES, List.of());
        assertThat(result.meanAveragePrecision()).isZero();
        assertThat(result.perClass().get("nodule").detectionCount()).isZero();
    }

    @Test
    void noGroundTruthIsAnError() {
        assertThatThrownBy(() -> MeanAveragePrecision.evaluate(List.of(), NODULE_DETECTIONS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mAP is undefined");
    }

    @Test
    void iouOfOverlappingAndDisjointBoxes() {
        // [0,0,10,10] ∩ [5,0,15,10] = 5·10 = 50; union = 100 + 100 − 50 = 150 → 1/3.
        assertThat(new Box(0, 0, 10, 10).iou(new Box(5, 0, 15, 10))).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(new Box(0, 0, 10, 10).iou(new Box(10, 0, 20, 10))).isZero();
        assertThatThrownBy(() -> new Box(5, 0, 4, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
