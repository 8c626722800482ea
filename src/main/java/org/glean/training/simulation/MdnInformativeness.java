package org.glean.training.simulation;

import java.util.ArrayList;
import java.util.List;
import org.glean.detector.DecoderSettings;
import org.glean.detector.Detection;
import org.glean.detector.DetectionUncertainty;
import org.glean.detector.Detector;
import org.glean.training.DetectorEvaluation;
import org.glean.training.PreprocessedDataset;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.InformativenessScorer;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * This method (method.md §5): one forward pass per image, the four uncertainties of every object
 * found at the object threshold, z-scored over all the objects of the pool scored in this round
 * (§5.1), then an image's informativeness by max or mean aggregation.
 */
public final class MdnInformativeness implements PoolScorer {

    private final ImageAggregation aggregation;
    private final double objectThreshold;

    public MdnInformativeness(ImageAggregation aggregation, double objectThreshold) {
        this.aggregation = aggregation;
        this.objectThreshold = objectThreshold;
    }

    @Override
    public double[] score(Detector detector, PreprocessedDataset pool) {
        List<List<ObjectUncertainty>> images = new ArrayList<>(pool.size());
        List<ObjectUncertainty> all = new ArrayList<>();
        for (List<Detection> detections : DetectorEvaluation.detect(detector, pool,
                DecoderSettings.DEFAULT.withScoreThreshold(objectThreshold))) {
            List<ObjectUncertainty> objects = detections.stream().map(DetectionUncertainty::of).toList();
            images.add(objects);
            all.addAll(objects);
        }
        InformativenessScorer scorer = new InformativenessScorer(UncertaintyStatistics.fit(all), aggregation);
        return images.stream().mapToDouble(objects -> scorer.scoreImage(objects).score()).toArray();
    }
}
