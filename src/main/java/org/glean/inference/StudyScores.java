package org.glean.inference;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.List;
import org.glean.detector.PixelBox;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.StandardizedUncertainty;
import org.glean.uncertainty.UncertaintyKind;

/**
 * A study's analysis by one model version, as persisted: per analysed frame its objects with raw
 * and z-scored uncertainties and its informativeness, and the study's informativeness with the
 * image and object that drove it (method.md §5). No patient data.
 *
 * @param modelVersion    the version that produced it
 * @param informativeness the study's; {@link #NO_OBJECTS} when no image has an object
 * @param drivenBy        the object behind it; null when no image has an object
 * @param classes         the model version's class names, label 1 … C in order
 * @param images          every frame of the study's accepted instances, in study order
 */
public record StudyScores(String modelVersion, List<String> classes, double informativeness, Driver drivenBy,
                          List<ImageScores> images) {

    /** The informativeness of an image without objects: the lowest there is (method.md §5.4). */
    public static final double NO_OBJECTS = -Double.MAX_VALUE;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    public StudyScores {
        classes = List.copyOf(classes);
        images = List.copyOf(images);
    }

    /**
     * The detection whose z-score is the study's informativeness.
     *
     * @param objectIndex into the frame's objects, or into its near misses when {@code nearMiss}
     */
    public record Driver(String sopInstanceUid, int frame, int objectIndex, boolean nearMiss, UncertaintyKind kind) {
    }

    /**
     * One frame.
     *
     * @param informativeness the frame's; {@link #NO_OBJECTS} without objects
     * @param analysisError   why the frame was not analysed; null when it was
     * @param objects         detections at or above the object threshold, highest score first
     * @param nearMisses      detections from the candidate threshold up to the object threshold, highest
     *                        score first; they count for the informativeness but are not objects (an
     *                        analysis persisted before near misses existed reads as having none)
     */
    public record ImageScores(String sopInstanceUid, int frame, int rows, int columns, double informativeness,
                              String analysisError, List<ScoredObject> objects, List<ScoredObject> nearMisses) {

        public ImageScores {
            objects = List.copyOf(objects);
            nearMisses = nearMisses == null ? List.of() : List.copyOf(nearMisses);
        }
    }

    /** One object: box in the frame's pixels, class, score, raw and z-scored uncertainties. */
    public record ScoredObject(PixelBox box, String label, double score, ObjectUncertainty raw,
                               StandardizedUncertainty normalized) {
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static StudyScores fromJson(String json) {
        return GSON.fromJson(json, StudyScores.class);
    }
}
