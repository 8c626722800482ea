package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mixture-density head (method.md §1). Per anchor the raw outputs are, in this order:
 * localization means [4][K], variance logits [4][K], weight logits [4][K]; classification mean
 * logits [K][C+1], variance logits [K][C+1], weight logits [K]. Activated ({@link #activate}),
 * means stay as they are, variances = sigmoid, weights = softmax over k (per coordinate for
 * localization, per anchor for classification).
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

    /** Each component's background logit: class 0 of the classification means. */
    @Override
    protected int[] backgroundLogits() {
        int[] positions = new int[components];
        for (int k = 0; k < components; k++) {
            positions[k] = 3 * 4 * components + k * classes;
        }
        return positions;
    }

    /**
     * Activates raw outputs [batch, anchors, 12K + 2K(C+1) + K] into the six arrays the loss
     * takes, indexed by {@link #LOC_MEANS} … {@link #CLS_WEIGHTS}.
     */
    public static NDList activate(NDArray raw, int components, int classes) {
        long batch = raw.getShape().get(0);
        long anchors = raw.getShape().get(1);
        int k = components;
        NDList parts = split(raw, k, classes);
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

    private static NDList split(NDArray raw, int k, int classes) {
        int loc = 4 * k;
        int cls = k * classes;
        return raw.split(new long[] {loc, 2L * loc, 3L * loc, 3L * loc + cls, 3L * loc + 2L * cls}, 2);
    }

    /**
     * R_b = Σ_k π_b^k μ_b^k [batch, anchor, 4] and P_p = Σ_k π^k softmax(μ^k)_p
     * [batch, anchor, C+1] straight from raw outputs: all that selecting detections needs. The
     * variances are not touched — only the detected anchors' are ({@link #select}).
     */
    public static NDList scores(NDArray raw, int components, int classes) {
        long batch = raw.getShape().get(0);
        long anchors = raw.getShape().get(1);
        int k = components;
        NDList parts = split(raw, k, classes);
        NDArray offsets = parts.get(2).reshape(batch, anchors, 4, k).softmax(3)
                .mul(parts.get(0).reshape(batch, anchors, 4, k)).sum(new int[] {3});
        NDArray probabilities = parts.get(3).reshape(batch, anchors, k, classes).softmax(3)
                .mul(parts.get(5).softmax(2).expandDims(3)).sum(new int[] {2});
        return new NDList(offsets, probabilities);
    }

    /** The activated outputs of some anchors of one image, in the order given, from raw outputs. */
    public static MdnPredictions select(NDArray raw, int image, int[] anchors, int components, int classes) {
        long[] indices = new long[anchors.length];
        for (int i = 0; i < anchors.length; i++) {
            indices[i] = anchors[i];
        }
        try (NDArray index = raw.getManager().create(indices)) {
            return MdnPredictions.fromRaw(raw.get(image).get(new NDIndex("{}", index)).toFloatArray(), anchors.length,
                    components, classes);
        }
    }

    /** Activates raw outputs into plain arrays, one {@link MdnPredictions} per image. */
    public static List<MdnPredictions> toPredictions(NDArray raw, int components, int classes) {
        int batch = (int) raw.getShape().get(0);
        int anchors = (int) raw.getShape().get(1);
        int perImage = anchors * (int) raw.getShape().get(2);
        float[] all = raw.toFloatArray();
        List<MdnPredictions> images = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            images.add(MdnPredictions.fromRaw(slice(all, b, perImage), anchors, components, classes));
        }
        return images;
    }

    static float[] slice(float[] values, int image, int perImage) {
        return Arrays.copyOfRange(values, image * perImage, (image + 1) * perImage);
    }
}
