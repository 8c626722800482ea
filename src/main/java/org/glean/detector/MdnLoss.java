package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The mixture-density detection loss (method.md §2), built from NDArray operations so that
 * gradients reach the network:
 * <pre>
 *   L_loc = − Σ_{i∈Pos} Σ_b log( Σ_k π_b^ik N(ĝ_b^i; μ_b^ik, Σ_b^ik) + ε ),  ε = 1e-9
 *   ĉ^ik  = μ^ik + sqrt(Σ^ik) · γ,  γ ~ N(0, 1)
 *   L_cls = − Σ_{i∈Pos∪Neg} Σ_k π^ik log softmax(ĉ^ik)_{t_i}
 *   L     = (L_loc + L_cls) / N,  N = |Pos| over the batch; 0 when N = 0
 * </pre>
 * Neg are the hard negatives, mined over the whole batch: the background anchors with the largest
 * classification loss, three per positive anchor of the batch (at most all background anchors).
 * Mining per image instead would never take a negative from an image without objects, and most
 * images of a clinical pool have none.
 * Options: {@link LocalizationDensity#REFERENCE}, {@link ClassificationLossType#TYPE_2}.
 *
 * <p>Labels: [0] the matched offsets ĝ [batch, anchor, 4] (any value on background anchors),
 * [1] the anchor classes t [batch, anchor] as int32, 0 for background. Predictions: the
 * {@link MdnHead}'s six activated outputs.
 */
public final class MdnLoss extends Loss {

    public static final double EPSILON = 1e-9;
    public static final int NEGATIVES_PER_POSITIVE = 3;

    private final LocalizationDensity density;
    private final ClassificationLossType classification;
    private final NoiseSource noise;

    public MdnLoss(LocalizationDensity density, ClassificationLossType classification, NoiseSource noise) {
        super("MdnLoss");
        this.density = density;
        this.classification = classification;
        this.noise = noise;
    }

    /** The patent's loss: variance Gaussian, Type-1 classification, γ from the engine's generator. */
    public static MdnLoss standard() {
        return new MdnLoss(LocalizationDensity.VARIANCE, ClassificationLossType.TYPE_1, NoiseSource.STANDARD_NORMAL);
    }

    /**
     * The loss and its parts.
     *
     * @param total          L, a scalar
     * @param localization   L_loc / N (0 when N = 0)
     * @param classification L_cls / N (0 when N = 0)
     * @param positives      N
     */
    public record Terms(NDArray total, NDArray localization, NDArray classification, int positives) {
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return terms(labels, predictions).total();
    }

    public Terms terms(NDList labels, NDList predictions) {
        NDArray offsets = labels.get(0);
        NDArray targets = labels.get(1);
        NDArray positive = targets.gt(0).toType(DataType.FLOAT32, false);
        int positives = Math.round(positive.sum().getFloat());

        NDArray loc = localizationLoss(offsets, positive, predictions);
        NDArray perAnchor = classificationLoss(targets, predictions);
        NDArray selected = positive.add(hardNegatives(perAnchor.stopGradient(), positive));
        NDArray cls = perAnchor.mul(selected).sum();
        // with no positive the loss is 0 but stays attached to the graph, so backward() still works
        float scale = positives > 0 ? 1f / positives : 0f;
        NDArray locScaled = loc.mul(scale);
        NDArray clsScaled = cls.mul(scale);
        return new Terms(locScaled.add(clsScaled), locScaled, clsScaled, positives);
    }

    /** Σ over positive anchors and coordinates of −log(Σ_k π N(ĝ; μ, Σ) + ε). */
    private NDArray localizationLoss(NDArray offsets, NDArray positive, NDList predictions) {
        NDArray mean = predictions.get(MdnHead.LOC_MEANS);
        NDArray variance = predictions.get(MdnHead.LOC_VARIANCES);
        NDArray weight = predictions.get(MdnHead.LOC_WEIGHTS);
        NDArray squared = offsets.expandDims(3).sub(mean).square();
        NDArray gaussian;
        if (density == LocalizationDensity.VARIANCE) {
            gaussian = squared.div(variance.mul(2)).neg().exp().div(variance.mul(2 * Math.PI).sqrt());
        } else {
            gaussian = squared.div(variance.square()).div(2).neg().exp()
                    .div(Math.sqrt(2 * Math.PI)).div(variance.add(0.3));
        }
        NDArray perCoordinate = weight.mul(gaussian).sum(new int[] {3}).add(EPSILON).log().neg();
        NDArray loss = perCoordinate.sum(new int[] {2}).mul(positive).sum();
        return density == LocalizationDensity.REFERENCE ? loss.div(2) : loss;
    }

    /** Per anchor [batch, anchor]: the classification loss of its target class. */
    private NDArray classificationLoss(NDArray targets, NDList predictions) {
        NDArray mean = predictions.get(MdnHead.CLS_MEANS);
        NDArray variance = predictions.get(MdnHead.CLS_VARIANCES);
        NDArray weight = predictions.get(MdnHead.CLS_WEIGHTS);
        NDArray gamma = noise.standardNormal(mean.getManager(), mean.getShape());
        NDArray sample = mean.add(variance.sqrt().mul(gamma));
        NDArray target = targets.oneHot((int) mean.getShape().get(3)).expandDims(2);
        if (classification == ClassificationLossType.TYPE_1) {
            NDArray logLikelihood = sample.logSoftmax(3).mul(target).sum(new int[] {3});
            return weight.mul(logLikelihood).sum(new int[] {2}).neg();
        }
        NDArray likelihood = sample.softmax(3).mul(target).sum(new int[] {3});
        return weight.mul(likelihood).sum(new int[] {2}).add(EPSILON).log().neg();
    }

    /**
     * 1 for the background anchors kept as negatives, else 0: over the batch, rank the background
     * anchors by loss (positives rank last) and keep the first 3·|Pos| of them.
     */
    private static NDArray hardNegatives(NDArray anchorLoss, NDArray anchorPositive) {
        NDArray loss = anchorLoss.reshape(1, -1);
        NDArray positive = anchorPositive.reshape(1, -1);
        NDArray background = positive.neg().add(1);
        // losses are non-negative, so −1 puts every positive behind every background anchor
        NDArray ranking = loss.mul(background).sub(positive);
        NDArray rank = ranking.argSort(1, false).argSort(1, true).toType(DataType.FLOAT32, false);
        NDArray quota = positive.sum(new int[] {1}, true).mul(NEGATIVES_PER_POSITIVE)
                .minimum(background.sum(new int[] {1}, true));
        return rank.lt(quota).toType(DataType.FLOAT32, false).reshape(anchorLoss.getShape());
    }
}
