package org.glean.uncertainty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores images and studies by informativeness (method.md §5) against fixed z-score statistics:
 * <ol>
 *   <li>each object's four uncertainties become z-scores {@code (u − mean) / std};</li>
 *   <li>an image's value per kind is the maximum over its objects → four values;</li>
 *   <li>its informativeness is the max (default) or mean of the four;</li>
 *   <li>an image without objects gets {@link ImageInformativeness#NO_OBJECTS_SCORE};</li>
 *   <li>a study's informativeness is the maximum over its images.</li>
 * </ol>
 */
public final class InformativenessScorer {

    private static final UncertaintyKind[] KINDS = UncertaintyKind.values();

    private final UncertaintyStatistics statistics;
    private final ImageAggregation aggregation;

    public InformativenessScorer(UncertaintyStatistics statistics, ImageAggregation aggregation) {
        if (statistics == null || aggregation == null) {
            throw new IllegalArgumentException("statistics and aggregation are required");
        }
        this.statistics = statistics;
        this.aggregation = aggregation;
    }

    /** Informativeness of one image from the raw uncertainties of its objects (in any fixed order). */
    public ImageInformativeness scoreImage(List<ObjectUncertainty> objects) {
        if (objects.isEmpty()) {
            double none = ImageInformativeness.NO_OBJECTS_SCORE;
            return new ImageInformativeness(none, 0, new StandardizedUncertainty(none, none, none, none),
                    ImageInformativeness.NONE, null);
        }
        double[] kindMaxima = new double[KINDS.length];
        int[] kindArgmax = new int[KINDS.length];
        Arrays.fill(kindMaxima, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < objects.size(); i++) {
            StandardizedUncertainty z = statistics.standardize(objects.get(i));
            for (UncertaintyKind kind : KINDS) {
                if (z.get(kind) > kindMaxima[kind.ordinal()]) {
                    kindMaxima[kind.ordinal()] = z.get(kind);
                    kindArgmax[kind.ordinal()] = i;
                }
            }
        }
        UncertaintyKind drivingKind = KINDS[0];
        double sum = 0;
        for (UncertaintyKind kind : KINDS) {
            sum += kindMaxima[kind.ordinal()];
            if (kindMaxima[kind.ordinal()] > kindMaxima[drivingKind.ordinal()]) {
                drivingKind = kind;
            }
        }
        double score = switch (aggregation) {
            case MAX -> kindMaxima[drivingKind.ordinal()];
            case MEAN -> sum / KINDS.length;
        };
        return new ImageInformativeness(score, objects.size(), StandardizedUncertainty.of(kindMaxima),
                kindArgmax[drivingKind.ordinal()], drivingKind);
    }

    /** Informativeness of a study from its images' objects, one list per image (frame), in study order. */
    public StudyInformativeness scoreStudy(List<List<ObjectUncertainty>> imagesObjects) {
        List<ImageInformativeness> images = new ArrayList<>(imagesObjects.size());
        double score = ImageInformativeness.NO_OBJECTS_SCORE;
        int drivingImage = ImageInformativeness.NONE;
        for (List<ObjectUncertainty> objects : imagesObjects) {
            ImageInformativeness image = scoreImage(objects);
            if (image.hasObjects() && (drivingImage == ImageInformativeness.NONE || image.score() > score)) {
                score = image.score();
                drivingImage = images.size();
            }
            images.add(image);
        }
        return new StudyInformativeness(score, images, drivingImage);
    }
}
