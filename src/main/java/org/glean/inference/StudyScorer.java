package org.glean.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.ImageInformativeness;
import org.glean.uncertainty.InformativenessScorer;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.StudyInformativeness;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * Turns the detections on a study's frames into its {@link StudyScores}: those at or above the
 * object threshold are its objects, those below it its near misses; both are z-scored against the
 * model version's statistics and both enter image and study informativeness (method.md §5). A
 * version without statistics is scored against the study's own detections, the pool of this one
 * round (§5.1).
 */
final class StudyScorer {

    /** One frame of the study as analysed: its detections (objects and near misses), or why it could not be analysed. */
    record AnalysedFrame(String sopInstanceUid, int frame, int rows, int columns, List<FoundObject> detections,
                         String analysisError) {
    }

    private StudyScorer() {
    }

    static StudyScores score(String modelVersion, List<String> classes, UncertaintyStatistics statistics,
                             ImageAggregation aggregation, double objectThreshold, List<AnalysedFrame> frames) {
        // objects first, then near misses: an index past the objects points at a near miss
        List<List<FoundObject>> detections = frames.stream()
                .map(frame -> Stream.concat(frame.detections().stream().filter(o -> o.score() >= objectThreshold),
                        frame.detections().stream().filter(o -> o.score() < objectThreshold)).toList())
                .toList();
        List<List<ObjectUncertainty>> raw = detections.stream()
                .map(found -> found.stream().map(FoundObject::raw).toList())
                .toList();
        UncertaintyStatistics scale = statistics != null ? statistics
                : UncertaintyStatistics.fit(raw.stream().flatMap(List::stream).toList());
        StudyInformativeness study = new InformativenessScorer(scale, aggregation).scoreStudy(raw);
        List<StudyScores.ImageScores> images = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            AnalysedFrame frame = frames.get(i);
            ImageInformativeness image = study.images().get(i);
            List<StudyScores.ScoredObject> scored = detections.get(i).stream()
                    .map(o -> new StudyScores.ScoredObject(o.box(), o.label(), o.score(), o.raw(), scale.standardize(o.raw())))
                    .toList();
            int objects = objectCount(detections.get(i), objectThreshold);
            images.add(new StudyScores.ImageScores(frame.sopInstanceUid(), frame.frame(), frame.rows(), frame.columns(),
                    image.hasObjects() ? image.score() : StudyScores.NO_OBJECTS, frame.analysisError(),
                    scored.subList(0, objects), scored.subList(objects, scored.size())));
        }
        StudyScores.Driver driver = null;
        if (study.drivingImage() != ImageInformativeness.NONE) {
            AnalysedFrame driving = frames.get(study.drivingImage());
            int objects = objectCount(detections.get(study.drivingImage()), objectThreshold);
            boolean nearMiss = study.drivingObject() >= objects;
            driver = new StudyScores.Driver(driving.sopInstanceUid(), driving.frame(),
                    nearMiss ? study.drivingObject() - objects : study.drivingObject(), nearMiss, study.drivingKind());
        }
        return new StudyScores(modelVersion, classes, driver == null ? StudyScores.NO_OBJECTS : study.score(),
                driver, images);
    }

    private static int objectCount(List<FoundObject> detections, double objectThreshold) {
        return (int) detections.stream().filter(o -> o.score() >= objectThreshold).count();
    }
}
