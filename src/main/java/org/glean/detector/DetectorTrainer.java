package org.glean.detector;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Trains a {@link Detector}'s network in place on batches of preprocessed images with their
 * ground-truth boxes: matches boxes to anchors, runs the network, takes the {@link MdnLoss} and
 * updates with Adam. A command line or service wraps it with data loading, augmentation,
 * progress display and checkpointing.
 */
public final class DetectorTrainer implements AutoCloseable {

    private final Detector detector;
    private final AnchorMatcher matcher;
    private final MdnLoss loss;
    private final Trainer trainer;
    private final TrainingSettings settings;
    private volatile double learningRate;
    private long steps;

    public DetectorTrainer(Detector detector, TrainingSettings settings) {
        this(detector, settings, NoiseSource.STANDARD_NORMAL);
    }

    public DetectorTrainer(Detector detector, TrainingSettings settings, NoiseSource noise) {
        if (detector.config().head() != HeadType.MDN) {
            throw new IllegalArgumentException("the trainer trains mixture-density heads; this network has a "
                    + detector.config().head() + " head");
        }
        this.detector = detector;
        this.settings = settings;
        this.learningRate = settings.learningRate();
        this.matcher = new AnchorMatcher(detector.anchors());
        this.loss = new MdnLoss(settings.density(), settings.classification(), noise);
        Optimizer optimizer = Optimizer.adam()
                .optLearningRateTracker((Tracker) update -> (float) rateAt(update))
                .optWeightDecays((float) settings.weightDecay())
                .optClipGrad((float) settings.gradientClip())
                .build();
        Device device = detector.model().getNDManager().getDevice();
        trainer = detector.model().newTrainer(new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer)
                .optDevices(new Device[] {device}));
        trainer.initialize(detector.network().inputShape(1));
    }

    private double rateAt(int update) {
        int warmup = settings.warmupSteps();
        return warmup == 0 ? learningRate : learningRate * Math.min(1.0, (update + 1.0) / warmup);
    }

    /** Sets the base learning rate for the following updates (for schedules run by the caller). */
    public void setLearningRate(double rate) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + rate);
        }
        learningRate = rate;
    }

    public long steps() {
        return steps;
    }

    /** One update on one batch; returns its loss (epoch 0 and throughput of this step alone). */
    public TrainingProgress step(TrainingBatch batch) {
        long start = System.nanoTime();
        MdnLoss.Terms terms;
        double rate = rateAt((int) steps);
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList labels = targets(manager, batch);
            NDArray input = detector.batch(manager, batch.images());
            float total;
            float localization;
            float classification;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = activate(trainer.forward(new NDList(input)));
                terms = loss.terms(labels, predictions);
                total = terms.total().getFloat();
                localization = terms.localization().getFloat();
                classification = terms.classification().getFloat();
                if (!Float.isFinite(total)) {
                    throw new IllegalStateException("training diverged: loss is " + total + " at step " + steps
                            + "; lower the learning rate or raise the warm-up");
                }
                collector.backward(terms.total());
            }
            trainer.step();
            steps++;
            double seconds = (System.nanoTime() - start) / 1e9;
            return new TrainingProgress(0, steps, batch.images().size(), total, localization, classification,
                    terms.positives(), batch.images().size() / seconds, rate);
        }
    }

    /** The loss of a batch without updating, BatchNorm on its running statistics (validation). */
    public double validationLoss(TrainingBatch batch) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList predictions = activate(detector.network().forward(
                    new ParameterStore(manager, false),
                    new NDList(detector.batch(manager, batch.images())), false));
            return loss.terms(targets(manager, batch), predictions).total().getFloat();
        }
    }

    /**
     * Runs {@code epochs} passes; {@code batchesOfEpoch} gives each epoch's batches (so that the
     * caller can shuffle and augment per epoch) and {@code listener} hears of every step, with
     * throughput averaged over the epoch so far.
     */
    public void fit(int epochs, IntFunction<Iterable<TrainingBatch>> batchesOfEpoch, Consumer<TrainingProgress> listener) {
        for (int epoch = 0; epoch < epochs; epoch++) {
            long epochStart = System.nanoTime();
            long images = 0;
            for (TrainingBatch batch : batchesOfEpoch.apply(epoch)) {
                TrainingProgress p = step(batch);
                images += p.images();
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                listener.accept(new TrainingProgress(epoch, p.step(), p.images(), p.loss(), p.localizationLoss(),
                        p.classificationLoss(), p.positives(), images / seconds, p.learningRate()));
            }
        }
    }

    private NDList activate(NDList raw) {
        DetectorConfig config = detector.config();
        return MdnHead.activate(raw.singletonOrThrow(), config.components(), config.classesWithBackground());
    }

    /** Matched targets of the batch: offsets [B, A, 4] and classes [B, A]. */
    private NDList targets(NDManager manager, TrainingBatch batch) {
        int anchors = detector.anchors().count();
        int images = batch.images().size();
        float[] offsets = new float[images * anchors * 4];
        int[] labels = new int[images * anchors];
        List<List<GroundTruthBox>> truths = batch.truths();
        int classes = detector.config().classes().size();
        for (int i = 0; i < images; i++) {
            for (GroundTruthBox truth : truths.get(i)) {
                if (truth.label() > classes) {
                    throw new IllegalArgumentException("label " + truth.label() + " is beyond the model's "
                            + classes + " classes");
                }
            }
            AnchorMatcher.Targets t = matcher.match(truths.get(i));
            System.arraycopy(t.offsets(), 0, offsets, i * anchors * 4, anchors * 4);
            System.arraycopy(t.labels(), 0, labels, i * anchors, anchors);
        }
        return new NDList(manager.create(offsets, new Shape(images, anchors, 4)),
                manager.create(labels, new Shape(images, anchors)));
    }

    @Override
    public void close() {
        trainer.close();
    }
}
