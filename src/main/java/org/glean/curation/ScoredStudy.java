package org.glean.curation;

import java.util.List;
import org.glean.inference.StudyScores;

/**
 * What curation needs to know of a study the detector has scored: its informativeness (method.md
 * §5) under one model version, and per image the model's objects, which become the pre-annotations
 * of an annotation task. Carries no patient data.
 *
 * @param studyInstanceUid StudyInstanceUID
 * @param modelVersion     the model version that scored it
 * @param informativeness  the study's informativeness (max over its images);
 *                         {@link ScoredImage#NO_OBJECTS} when no image has an object
 * @param images           every scored image (frame), in study order
 */
public record ScoredStudy(String studyInstanceUid, String modelVersion, double informativeness,
                          List<ScoredImage> images) {

    public ScoredStudy {
        images = List.copyOf(images);
    }

    /** What curation needs of {@code scores}, the study's analysis: its objects become pre-annotations. */
    public static ScoredStudy of(String studyInstanceUid, StudyScores scores) {
        return new ScoredStudy(studyInstanceUid, scores.modelVersion(), scores.informativeness(), scores.images().stream()
                .map(image -> new ScoredImage(image.sopInstanceUid(), image.frame(), image.rows(),
                        image.columns(), image.informativeness(), image.objects().stream()
                        .map(o -> new PreAnnotation(o.label(), o.score(), o.box().xmin(), o.box().ymin(),
                                o.box().xmax(), o.box().ymax()))
                        .toList()))
                .toList());
    }

    /**
     * One scored frame.
     *
     * @param sopInstanceUid  SOPInstanceUID of the instance holding the frame
     * @param frame           1-based frame number
     * @param rows            Rows of the frame
     * @param columns         Columns of the frame
     * @param informativeness the image's informativeness, {@link #NO_OBJECTS} without objects
     * @param objects         the model's objects on this frame
     */
    public record ScoredImage(String sopInstanceUid, int frame, int rows, int columns, double informativeness,
                              List<PreAnnotation> objects) {

        /** The informativeness of an image without objects, as in the analysis. */
        public static final double NO_OBJECTS = StudyScores.NO_OBJECTS;

        public ScoredImage {
            objects = List.copyOf(objects);
        }
    }

    /** A model's object as a proposal for the annotator: class, score and box in the frame's pixels. */
    public record PreAnnotation(String label, double score, double xmin, double ymin, double xmax, double ymax) {
    }
}
