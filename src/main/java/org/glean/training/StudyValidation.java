package org.glean.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.glean.detector.Detection;
import org.glean.detector.DetectionUncertainty;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.ImageInformativeness;
import org.glean.uncertainty.InformativenessScorer;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.RankStatistics;
import org.glean.uncertainty.StudyInformativeness;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * The uncertainties at the level the server serves them and a clinician annotates, the study
 * (method.md §5.5): does a study's epistemic value flag shifted studies, and does its
 * informativeness follow the model's error on it?
 *
 * <p>Each study is scored by {@link InformativenessScorer#scoreStudy}, as the server scores it, so
 * that a change to the image or study aggregation shows in these figures. Its informativeness is
 * that study score; its aleatoric (epistemic) value is the maximum over its images of their
 * aleatoric (epistemic) image scores ({@link UncertaintyValidation#aleatoric}). Every study counts,
 * those without a finding included: a study is what the server ranks, whatever it holds.
 */
public final class StudyValidation {

    private StudyValidation() {
    }

    /**
     * @param shifted         whether any of the study's images carries an appearance shift
     * @param objects         the objects found over all its images
     * @param informativeness the study score the server serves
     * @param error           the model's error on the study: 1 − F1 of its served detections
     */
    public record StudyScores(String study, boolean shifted, int objects, double aleatoric, double epistemic,
                              double informativeness, double error) {
    }

    /**
     * @param withoutObjects studies where the detector found no object on any image
     * @param epistemicAuroc AUROC of the studies' epistemic values, shifted vs not
     * @param aleatoricAuroc the same for their aleatoric values (expected lower)
     */
    public record ShiftResult(int inDistribution, int shifted, int withoutObjects, double epistemicAuroc,
                              double aleatoricAuroc) {
    }

    /** @param rho Spearman's ρ between the studies' informativeness and the model's error on them */
    public record ErrorResult(int studies, double rho) {
    }

    /**
     * Scores every study of a data set's {@code items} from their {@code detections} (in the same
     * order; objects and near misses, as {@code thresholds} split them): the informativeness from
     * all, the error from the objects.
     */
    public static List<StudyScores> score(List<PreprocessedDataset.Item> items, List<List<Detection>> detections,
                                          UncertaintyStatistics statistics, ImageAggregation aggregation,
                                          ScoringThresholds thresholds) {
        InformativenessScorer scorer = new InformativenessScorer(statistics, aggregation);
        List<StudyScores> studies = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> study : StudyGroups.of(items).entrySet()) {
            List<List<ObjectUncertainty>> objects = new ArrayList<>();
            DetectionCounts counts = DetectionCounts.NONE;
            boolean shifted = false;
            for (int i : study.getValue()) {
                PreprocessedDataset.Item item = items.get(i);
                objects.add(detections.get(i).stream().map(DetectionUncertainty::of).toList());
                counts = counts.plus(DetectionCounts.match(item.truths(), thresholds.objects(detections.get(i))));
                shifted |= !"none".equals(UncertaintyValidation.shift(item.metadata()));
            }
            StudyInformativeness scored = scorer.scoreStudy(objects);
            studies.add(new StudyScores(study.getKey(), shifted, scored.objectCount(),
                    maxOverImages(scored, image -> UncertaintyValidation.aleatoric(image, aggregation)),
                    maxOverImages(scored, image -> UncertaintyValidation.epistemic(image, aggregation)),
                    scored.score(), counts.error()));
        }
        return studies;
    }

    private static double maxOverImages(StudyInformativeness study, ToDoubleFunction<ImageInformativeness> value) {
        return study.images().stream().mapToDouble(value).max().orElse(ImageInformativeness.NO_OBJECTS_SCORE);
    }

    /**
     * AUROC of both study values for telling shifted studies from the others; NaN when one group is
     * empty, which a small probe can give (a study is shifted when any series or projection is), so
     * that the image-level figures of the same probe still stand.
     */
    public static ShiftResult shift(List<StudyScores> studies) {
        boolean[] shifted = new boolean[studies.size()];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = studies.get(i).shifted();
        }
        int shiftedCount = (int) studies.stream().filter(StudyScores::shifted).count();
        boolean bothGroups = shiftedCount > 0 && shiftedCount < studies.size();
        return new ShiftResult(studies.size() - shiftedCount, shiftedCount,
                (int) studies.stream().filter(s -> s.objects() == 0).count(),
                bothGroups ? RankStatistics.auroc(studies.stream().mapToDouble(StudyScores::epistemic).toArray(), shifted)
                        : Double.NaN,
                bothGroups ? RankStatistics.auroc(studies.stream().mapToDouble(StudyScores::aleatoric).toArray(), shifted)
                        : Double.NaN);
    }

    /**
     * Spearman's ρ between informativeness and error over all studies; NaN when either is the same
     * for all or there are fewer than 2 studies.
     */
    public static ErrorResult error(List<StudyScores> studies) {
        if (studies.size() < 2) {
            return new ErrorResult(studies.size(), Double.NaN);
        }
        return new ErrorResult(studies.size(), RankStatistics.spearman(
                studies.stream().mapToDouble(StudyScores::informativeness).toArray(),
                studies.stream().mapToDouble(StudyScores::error).toArray()));
    }
}
