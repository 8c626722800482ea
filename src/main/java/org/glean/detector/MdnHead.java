package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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

    @Override
    protected int[] planarOrder(int anchorsPerCell) {
        return planarOrder(anchorsPerCell, components, classes);
    }

    /**
     * The channels of {@link #predict}'s outputs on a map with {@code anchorsPerCell} anchors per
     * cell: first what decoding needs, as planes indexed [k][anchor slot][value] so that the
     * softmaxes and sums over k and over classes run along whole planes of cells — localization
     * means [k][slot][coordinate], localization weight logits [k][slot][coordinate],
     * classification means [k][slot][class], classification weight logits [k][slot] — then the
     * variances, slot by slot, which only the detected anchors' mixtures read.
     */
    static int[] planarOrder(int anchorsPerCell, int components, int classes) {
        int k = components;
        int loc = 4 * k;
        int cls = k * classes;
        int outputs = 3 * loc + 2 * cls + k;
        int[] order = new int[anchorsPerCell * outputs];
        int channel = 0;
        for (int section : new int[] {0, 2 * loc}) {
            for (int c = 0; c < k; c++) {
                for (int slot = 0; slot < anchorsPerCell; slot++) {
                    for (int b = 0; b < 4; b++) {
                        order[channel++] = slot * outputs + section + b * k + c;
                    }
                }
            }
        }
        for (int c = 0; c < k; c++) {
            for (int slot = 0; slot < anchorsPerCell; slot++) {
                for (int p = 0; p < classes; p++) {
                    order[channel++] = slot * outputs + 3 * loc + c * classes + p;
                }
            }
        }
        for (int c = 0; c < k; c++) {
            for (int slot = 0; slot < anchorsPerCell; slot++) {
                order[channel++] = slot * outputs + 3 * loc + 2 * cls + c;
            }
        }
        for (int slot = 0; slot < anchorsPerCell; slot++) {
            for (int i = 0; i < loc; i++) {
                order[channel++] = slot * outputs + loc + i;
            }
            for (int i = 0; i < cls; i++) {
                order[channel++] = slot * outputs + 3 * loc + cls + i;
            }
        }
        return order;
    }

    /**
     * R_b = Σ_k π_b^k μ_b^k [batch, anchor, 4] and P_p = Σ_k π^k softmax(μ^k)_p
     * [batch, anchor, C+1] of every anchor from {@link #predict}'s outputs: all that selecting
     * detections needs. Each map is reduced to these few values per anchor before anything is
     * reordered or joined; the variances are not touched — only the detected anchors' are
     * ({@link #select}).
     */
    public static NDList scores(NDList planar, int components, int classes) {
        int k = components;
        int loc = 4 * k;
        int cls = k * classes;
        NDList offsets = new NDList(planar.size());
        NDList probabilities = new NDList(planar.size());
        for (NDArray y : planar) {
            long batch = y.getShape().get(0);
            long cells = y.getShape().get(2);
            int perCell = (int) (y.getShape().get(1) / (3 * loc + 2 * cls + k));
            NDList parts = y.split(new long[] {(long) loc * perCell, 2L * loc * perCell, (2L * loc + cls) * perCell,
                    (2L * loc + cls + k) * perCell}, 1);
            // products in place on the softmaxes' fresh arrays: one allocation fewer per plane set
            NDArray r = parts.get(1).reshape(batch, k, 4L * perCell, cells).softmax(1)
                    .muli(parts.get(0).reshape(batch, k, 4L * perCell, cells)).sum(new int[] {1})
                    .reshape(batch, perCell, 4, cells);
            NDArray p = parts.get(2).reshape(batch, k, perCell, classes, cells).softmax(3)
                    .muli(parts.get(3).reshape(batch, k, perCell, 1, cells).softmax(1)).sum(new int[] {1});
            // [batch, slot, value, cell] → [batch, cell·slot, value]: anchor order, now that it is small
            offsets.add(r.transpose(0, 3, 1, 2).reshape(batch, -1, 4));
            probabilities.add(p.transpose(0, 3, 1, 2).reshape(batch, -1, classes));
        }
        return new NDList(NDArrays.concat(offsets, 1), NDArrays.concat(probabilities, 1));
    }

    /**
     * The activated outputs of some anchors of one image, in the order given, from
     * {@link #predict}'s outputs: per map one copy of the detected anchors' cells.
     */
    public static MdnPredictions select(NDList planar, int image, int[] anchors, int components, int classes) {
        int outputs = 12 * components + 2 * components * classes + components;
        float[] raw = new float[anchors.length * outputs];
        int start = 0;
        for (NDArray y : planar) {
            int first = start;
            int perCell = (int) (y.getShape().get(1) / outputs);
            int count = perCell * (int) y.getShape().get(2);
            List<Integer> inMap = new ArrayList<>();
            for (int d = 0; d < anchors.length; d++) {
                if (anchors[d] >= first && anchors[d] < first + count) {
                    inMap.add(d);
                }
            }
            if (!inMap.isEmpty()) {
                long[] cells = inMap.stream().mapToLong(d -> (anchors[d] - first) / perCell).toArray();
                float[] values;
                try (NDArray index = y.getManager().create(cells)) {
                    values = y.get(image).transpose().get(new NDIndex("{}", index)).toFloatArray();
                }
                int[] order = planarOrder(perCell, components, classes);
                for (int j = 0; j < inMap.size(); j++) {
                    int d = inMap.get(j);
                    int slot = (anchors[d] - first) % perCell;
                    for (int channel = 0; channel < order.length; channel++) {
                        if (order[channel] / outputs == slot) {
                            raw[d * outputs + order[channel] % outputs] = values[j * order.length + channel];
                        }
                    }
                }
            }
            start += count;
        }
        return MdnPredictions.fromRaw(raw, anchors.length, components, classes);
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
