package org.glean.training.simulation;

import org.glean.detector.Detector;
import org.glean.training.PreprocessedDataset;

/**
 * Scores the unlabelled images of an active-learning round: one value per image, higher = more
 * worth annotating. An image the scorer finds nothing on gets
 * {@link org.glean.uncertainty.ImageInformativeness#NO_OBJECTS_SCORE}, the lowest there is.
 */
public interface PoolScorer {

    double[] score(Detector detector, PreprocessedDataset pool);
}
