package org.glean.training.simulation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.glean.detector.Detector;
import org.glean.detector.MdnHead;
import org.glean.detector.PreprocessedImage;
import org.glean.training.PreprocessedDataset;
import org.glean.uncertainty.ImageInformativeness;

/**
 * The classification baselines of the learning loop (method.md §6), over the class distribution
 * P = Σ_k π^k softmax(μ^k) of every anchor, background included:
 * <ul>
 *   <li>{@link #entropy}: one deterministic pass, the entropy H(P);</li>
 *   <li>{@link #monteCarloDropout}: T passes with the network's dropout on, the mutual
 *       information H(mean P) − mean H(P) between the prediction and the dropout mask — the
 *       epistemic part, as MC-dropout active learning (BALD) takes it.</li>
 * </ul>
 * An image's score is the maximum over its candidate anchors: those whose largest object-class
 * probability (mean over passes) reaches the object threshold, as a detection would. Taking the
 * maximum over anchors needs no NMS, which would only drop anchors of the same objects. An image
 * without candidates gets {@link ImageInformativeness#NO_OBJECTS_SCORE}.
 */
public final class ClassUncertainty implements PoolScorer {

    private static final int BATCH = 16;
    private static final float LOG_FLOOR = 1e-12f;

    private final int passes;
    private final boolean dropout;
    private final double objectThreshold;

    private ClassUncertainty(int passes, boolean dropout, double objectThreshold) {
        if (passes < 1) {
            throw new IllegalArgumentException("need at least one pass, got " + passes);
        }
        this.passes = passes;
        this.dropout = dropout;
        this.objectThreshold = objectThreshold;
    }

    public static ClassUncertainty entropy(double objectThreshold) {
        return new ClassUncertainty(1, false, objectThreshold);
    }

    /** T passes; the detector must have been built with dropout (see {@code DetectorConfig#dropout}). */
    public static ClassUncertainty monteCarloDropout(int passes, double objectThreshold) {
        return new ClassUncertainty(passes, true, objectThreshold);
    }

    @Override
    public double[] score(Detector detector, PreprocessedDataset pool) {
        double[] scores = new double[pool.size()];
        int components = detector.config().components();
        int classes = detector.config().classesWithBackground();
        for (int from = 0; from < pool.size(); from += BATCH) {
            List<PreprocessedImage> images = pool.items().subList(from, Math.min(pool.size(), from + BATCH)).stream()
                    .map(PreprocessedDataset.Item::input).toList();
            try (NDManager manager = detector.model().getNDManager().newSubManager()) {
                NDArray sumP = null;
                NDArray sumEntropy = null;
                for (int t = 0; t < passes; t++) {
                    NDArray p = MdnHead.scores(detector.forward(manager, images, dropout), components, classes).get(1);
                    sumP = sumP == null ? p : sumP.add(p);
                    sumEntropy = sumEntropy == null ? entropy(p) : sumEntropy.add(entropy(p));
                }
                NDArray meanP = sumP.div(passes);
                NDArray value = dropout ? entropy(meanP).sub(sumEntropy.div(passes)) : entropy(meanP);
                NDArray foreground = meanP.get(":, :, 1:").max(new int[] {2});
                float[] values = value.toFloatArray();
                float[] foregrounds = foreground.toFloatArray();
                int anchors = values.length / images.size();
                for (int i = 0; i < images.size(); i++) {
                    scores[from + i] = imageScore(values, foregrounds, i * anchors, anchors);
                }
            }
        }
        return scores;
    }

    private double imageScore(float[] values, float[] foregrounds, int offset, int anchors) {
        double best = ImageInformativeness.NO_OBJECTS_SCORE;
        for (int a = offset; a < offset + anchors; a++) {
            if (foregrounds[a] >= objectThreshold && values[a] > best) {
                best = values[a];
            }
        }
        return best;
    }

    /** −Σ_p P_p log P_p over the last axis. */
    private static NDArray entropy(NDArray p) {
        return p.mul(p.add(LOG_FLOOR).log()).sum(new int[] {-1}).neg();
    }
}
