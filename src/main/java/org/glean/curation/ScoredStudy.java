package org.glean.curation;

import java.util.List;

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

        /** The informativeness of an image without objects: the lowest there is (method.md §5.4). */
        public static final double NO_OBJECTS = -Double.MAX_VALUE;

        public ScoredImage {
            objects = List.copyOf(objects);
        }
    }

    /** A model's object as a proposal for the annotator: class, score and box in the frame's pixels. */
    public record PreAnnotation(String label, double score, double xmin, double ymin, double xmax, double ymax) {
    }
}
