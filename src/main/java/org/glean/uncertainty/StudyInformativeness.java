package org.glean.uncertainty;

import java.util.List;

/**
 * Informativeness of a study (method.md §5.5): the maximum over its images, with every image's
 * values kept and the image and object that drove the score named.
 *
 * @param score        the largest image score; {@link ImageInformativeness#NO_OBJECTS_SCORE} when
 *                     no image holds an object (or the study has no images)
 * @param images       per image, in the order the images were given
 * @param drivingImage index of the image whose score is the study's (the first on ties);
 *                     {@link ImageInformativeness#NONE} when no image holds an object
 */
public record StudyInformativeness(double score, List<ImageInformativeness> images, int drivingImage) {

    public StudyInformativeness {
        images = List.copyOf(images);
    }

    /** Index, within the driving image's objects, of the object that drove the score; NONE when none did. */
    public int drivingObject() {
        return drivingImage == ImageInformativeness.NONE ? ImageInformativeness.NONE
                : images.get(drivingImage).drivingObject();
    }

    /** The kind of uncertainty that drove the score; {@code null} when no object did. */
    public UncertaintyKind drivingKind() {
        return drivingImage == ImageInformativeness.NONE ? null : images.get(drivingImage).drivingKind();
    }

    /** Total number of objects over all images. */
    public int objectCount() {
        return images.stream().mapToInt(ImageInformativeness::objectCount).sum();
    }
}
