package org.glean.uncertainty;

/**
 * Informativeness of one image (method.md §5.2–5.4). Higher = more uncertain = more worth annotating.
 *
 * @param score         the image's informativeness: the max (or mean) of {@code kindMaxima};
 *                      {@link #NO_OBJECTS_SCORE} for an image without objects
 * @param objectCount   number of objects the image holds
 * @param kindMaxima    per kind, the largest z-score over the image's objects; every value
 *                      {@link #NO_OBJECTS_SCORE} for an image without objects
 * @param drivingObject index (into the image's object list) of the object that holds the largest
 *                      of the four kind maxima — under {@link ImageAggregation#MAX} the object whose
 *                      z-score is the score, under {@link ImageAggregation#MEAN} the largest
 *                      contributor; the first such object on ties; {@link #NONE} without objects
 * @param drivingKind   the kind of that largest z-score (first in {@link UncertaintyKind} order on
 *                      ties); {@code null} without objects
 */
public record ImageInformativeness(double score, int objectCount, StandardizedUncertainty kindMaxima,
                                   int drivingObject, UncertaintyKind drivingKind) {

    /**
     * The informativeness of an image without objects, the lowest there is: −{@link Double#MAX_VALUE},
     * below every score an image with objects can get (z-scores are finite) yet a plain finite number
     * in JSON and protobuf, unlike −∞.
     */
    public static final double NO_OBJECTS_SCORE = -Double.MAX_VALUE;

    /** The index that means "no image" or "no object". */
    public static final int NONE = -1;

    public boolean hasObjects() {
        return objectCount > 0;
    }
}
