package org.glean.detector;

/**
 * One optimisation step, as reported to a progress listener.
 *
 * @param epoch              0-based epoch
 * @param step               updates so far, this one included
 * @param images             images in this step's batch
 * @param loss               L of this batch
 * @param localizationLoss   L_loc / N of this batch
 * @param classificationLoss L_cls / N of this batch
 * @param positives          N, positive anchors in this batch
 * @param imagesPerSecond    training throughput since the epoch began
 * @param learningRate       the rate this update used
 */
public record TrainingProgress(int epoch, long step, int images, double loss, double localizationLoss,
                               double classificationLoss, int positives, double imagesPerSecond,
                               double learningRate) {
}
