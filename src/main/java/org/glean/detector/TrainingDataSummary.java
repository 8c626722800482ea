package org.glean.detector;

import java.util.Map;

/**
 * What a model was trained on, recorded in its manifest.
 *
 * @param source          where the data came from, e.g. a dataset path or a synthetic recipe
 * @param images          number of training images
 * @param objectsPerClass annotated objects by class name
 */
public record TrainingDataSummary(String source, int images, Map<String, Integer> objectsPerClass) {

    public TrainingDataSummary {
        objectsPerClass = Map.copyOf(objectsPerClass);
    }
}
