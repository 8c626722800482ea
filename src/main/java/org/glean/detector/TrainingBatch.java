package org.glean.detector;

import java.util.List;

/** Preprocessed images with their ground-truth boxes (normalised input coordinates), in the same order. */
public record TrainingBatch(List<PreprocessedImage> images, List<List<GroundTruthBox>> truths) {

    public TrainingBatch {
        if (images.isEmpty() || images.size() != truths.size()) {
            throw new IllegalArgumentException("a training batch needs at least one image and one box list per image, got "
                    + images.size() + " images and " + truths.size() + " box lists");
        }
        images = List.copyOf(images);
        truths = truths.stream().map(List::copyOf).toList();
    }
}
