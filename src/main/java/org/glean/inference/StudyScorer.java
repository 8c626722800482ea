package org.glean.inference;

import java.util.ArrayList;
import java.util.List;
import org.glean.curation.ScoredStudy;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.ImageInformativeness;
import org.glean.uncertainty.InformativenessScorer;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.StudyInformativeness;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * Turns the objects found on a study's frames into its {@link StudyScores}: z-scores against the
 * model version's statistics, image and study informativeness (method.md §5). A version without
 * statistics is scored against the study's own objects, the pool of this one round (§5.1).
 */
final class StudyScorer {

    /** One frame of the study as analysed: its objects, or why it could not be analysed. */
    record AnalysedFrame(String sopInstanceUid, int frame, int rows, int columns, List<FoundObject> objects,
                         String analysisError) {
    }

    private StudyScorer() {
    }

    static StudyScores score(String modelVersion, List<String> classes, UncertaintyStatistics statistics,
                             ImageAggregation aggregation, List<AnalysedFrame> frames) {
        List<List<ObjectUncertainty>> raw = frames.stream()
                .map(frame -> frame.objects().stream().map(FoundObject::raw).toList())
                .toList();
        UncertaintyStatistics scale = statistics != null ? statistics
                : UncertaintyStatistics.fit(raw.stream().flatMap(List::stream).toList());
        StudyInformativeness study = new InformativenessScorer(scale, aggregation).scoreStudy(raw);
        List<StudyScores.ImageScores> images = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            AnalysedFrame frame = frames.get(i);
            ImageInformativeness image = study.images().get(i);
            images.add(new StudyScores.ImageScores(frame.sopInstanceUid(), frame.frame(), frame.rows(), frame.columns(),
                    image.hasObjects() ? image.score() : ScoredStudy.ScoredImage.NO_OBJECTS, frame.analysisError(),
                    frame.objects().stream()
                            .map(o -> new StudyScores.ScoredObject(o.box(), o.label(), o.score(), o.raw(),
                                    scale.standardize(o.raw())))
                            .toList()));
        }
        StudyScores.Driver driver = null;
        if (study.drivingImage() != ImageInformativeness.NONE) {
            AnalysedFrame driving = frames.get(study.drivingImage());
            driver = new StudyScores.Driver(driving.sopInstanceUid(), driving.frame(), study.drivingObject(),
                    study.drivingKind());
        }
        return new StudyScores(modelVersion, classes, driver == null ? ScoredStudy.ScoredImage.NO_OBJECTS : study.score(),
                driver, images);
    }
}
