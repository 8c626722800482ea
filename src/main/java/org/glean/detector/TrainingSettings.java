package org.glean.detector;

/**
 * How {@link DetectorTrainer} optimises: Adam with a learning rate that ramps up linearly over
 * {@code warmupSteps} updates (mixture likelihoods are steep while variances are still
 * uncalibrated), weight decay, element-wise gradient clipping, the loss variant, and how the
 * training images are varied. A manifest written before {@code augmentation} existed reads as
 * {@link Augmentation#MIRROR}, what those models were trained with.
 */
public record TrainingSettings(double learningRate, int warmupSteps, double weightDecay, double gradientClip,
                               LocalizationDensity density, ClassificationLossType classification,
                               Augmentation augmentation) {

    public TrainingSettings {
        augmentation = augmentation == null ? Augmentation.MIRROR : augmentation;
        if (!(learningRate > 0) || warmupSteps < 0 || !(weightDecay >= 0) || !(gradientClip > 0)
                || density == null || classification == null) {
            throw new IllegalArgumentException("training needs a positive learning rate and gradient clip, "
                    + "non-negative warm-up and weight decay, and both loss variants");
        }
    }

    public static TrainingSettings defaults() {
        return new TrainingSettings(1e-3, 100, 1e-4, 10, LocalizationDensity.VARIANCE, ClassificationLossType.TYPE_1,
                Augmentation.MIRROR);
    }

    public TrainingSettings withLearningRate(double rate) {
        return new TrainingSettings(rate, warmupSteps, weightDecay, gradientClip, density, classification, augmentation);
    }

    public TrainingSettings withWarmupSteps(int steps) {
        return new TrainingSettings(learningRate, steps, weightDecay, gradientClip, density, classification, augmentation);
    }

    public TrainingSettings withLoss(LocalizationDensity localization, ClassificationLossType classificationLoss) {
        return new TrainingSettings(learningRate, warmupSteps, weightDecay, gradientClip, localization, classificationLoss,
                augmentation);
    }

    public TrainingSettings withAugmentation(Augmentation varied) {
        return new TrainingSettings(learningRate, warmupSteps, weightDecay, gradientClip, density, classification, varied);
    }
}
