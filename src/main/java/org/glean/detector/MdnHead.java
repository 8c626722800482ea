package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mixture-density head (method.md §1). Per anchor the raw outputs are, in this order:
 * localization means [4][K], variance logits [4][K], weight logits [4][K]; classification mean
 * logits [K][C+1], variance logits [K][C+1], weight logits [K]. Activated, the head returns
 * (indices below): means as they are, variances = sigmoid, weights = softmax over k (per
 * coordinate for localization, per anchor for classification).
 */
public final class MdnHead extends DetectionHead {

    /** [batch, anchor, coordinate, k] */
    public static final int LOC_MEANS = 0;
    public static final int LOC_VARIANCES = 1;
    public static final int LOC_WEIGHTS = 2;
    /** [batch, anchor, k, class] */
    public static final int CLS_MEANS = 3;
    public static final int CLS_VARIANCES = 4;
    /** [batch, anchor, k] */
    public static final int CLS_WEIGHTS = 5;

    private final int components;
    private final int classes;

    MdnHead(DetectorConfig config) {
        super(config);
        components = config.components();
        classes = config.classesWithBackground();
    }

    @Override
    protected NDList activate(NDArray raw) {
        return activate(raw, components, classes);
    }

    /** Activates raw outputs [batch, anchors, 12K + 2K(C+1) + K] into the six arrays. */
    public static NDList activate(NDArray raw, int components, int classes) {
        long batch = raw.getShape().get(0);
        long anchors = raw.getShape().get(1);
        int k = components;
        int loc = 4 * k;
        int cls = k * classes;
        NDList parts = raw.split(new long[] {loc, 2L * loc, 3L * loc, 3L * loc + cls, 3L * loc + 2L * cls}, 2);
        // the parts are strided views: activating first writes each once, contiguous, and the
        // reshape after it is free
        return new NDList(
                parts.get(0).reshape(batch, anchors, 4, k),
                Activation.sigmoid(parts.get(1)).reshape(batch, anchors, 4, k),
                parts.get(2).reshape(batch, anchors, 4, k).softmax(3),
                parts.get(3).reshape(batch, anchors, k, classes),
                Activation.sigmoid(parts.get(4)).reshape(batch, anchors, k, classes),
                parts.get(5).softmax(2));
    }

    /** Each component's background logit: class 0 of the classification means. */
    @Override
    protected int[] backgroundLogits() {
        int[] positions = new int[components];
        for (int k = 0; k < components; k++) {
            positions[k] = 3 * 4 * components + k * classes;
        }
        return positions;
    }

    @Override
    protected Shape[] outputShapes(long batch, long anchors) {
        Shape loc = new Shape(batch, anchors, 4, components);
        Shape cls = new Shape(batch, anchors, components, classes);
        return new Shape[] {loc, loc, loc, cls, cls, new Shape(batch, anchors, components)};
    }

    /**
     * R_b = Σ_k π_b^k μ_b^k [batch, anchor, 4] and P_p = Σ_k π^k softmax(μ^k)_p
     * [batch, anchor, C+1] from activated outputs: all that selecting detections needs, a tenth
     * of the outputs' size.
     */
    public static NDList scores(NDList outputs) {
        NDArray offsets = outputs.get(LOC_WEIGHTS).mul(outputs.get(LOC_MEANS)).sum(new int[] {3});
        NDArray probabilities = outputs.get(CLS_MEANS).softmax(3)
                .mul(outputs.get(CLS_WEIGHTS).expandDims(3)).sum(new int[] {2});
        return new NDList(offsets, probabilities);
    }

    /** The activated outputs of some anchors of one image, in the order given. */
    public static MdnPredictions select(NDList outputs, int image, int[] anchors) {
        long[] indices = new long[anchors.length];
        for (int i = 0; i < anchors.length; i++) {
            indices[i] = anchors[i];
        }
        float[][] selected = new float[6][];
        try (NDArray index = outputs.get(0).getManager().create(indices)) {
            for (int i = 0; i < 6; i++) {
                selected[i] = outputs.get(i).get(image).get(new NDIndex("{}", index)).toFloatArray();
            }
        }
        Shape locShape = outputs.get(LOC_MEANS).getShape();
        return new MdnPredictions(anchors.length, (int) locShape.get(3), (int) outputs.get(CLS_MEANS).getShape().get(3),
                selected[LOC_MEANS], selected[LOC_VARIANCES], selected[LOC_WEIGHTS],
                selected[CLS_MEANS], selected[CLS_VARIANCES], selected[CLS_WEIGHTS]);
    }

    /** Copies activated outputs to plain arrays, one {@link MdnPredictions} per image. */
    public static List<MdnPredictions> toPredictions(NDList outputs) {
        Shape locShape = outputs.get(LOC_MEANS).getShape();
        int batch = (int) locShape.get(0);
        int anchors = (int) locShape.get(1);
        int k = (int) locShape.get(3);
        int classes = (int) outputs.get(CLS_MEANS).getShape().get(3);
        float[][] all = new float[6][];
        for (int i = 0; i < 6; i++) {
            all[i] = outputs.get(i).toFloatArray();
        }
        int loc = anchors * 4 * k;
        int cls = anchors * k * classes;
        int weights = anchors * k;
        List<MdnPredictions> images = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            images.add(new MdnPredictions(anchors, k, classes,
                    slice(all[LOC_MEANS], b, loc), slice(all[LOC_VARIANCES], b, loc), slice(all[LOC_WEIGHTS], b, loc),
                    slice(all[CLS_MEANS], b, cls), slice(all[CLS_VARIANCES], b, cls),
                    slice(all[CLS_WEIGHTS], b, weights)));
        }
        return images;
    }

    static float[] slice(float[] values, int image, int perImage) {
        return Arrays.copyOfRange(values, image * perImage, (image + 1) * perImage);
    }
}
