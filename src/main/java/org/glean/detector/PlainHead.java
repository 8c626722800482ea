package org.glean.detector;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An ordinary SSD head: per anchor one box offset [4] then one set of class logits [C+1].
 */
public final class PlainHead extends DetectionHead {

    PlainHead(DetectorConfig config) {
        super(config);
    }

    @Override
    protected int[] backgroundLogits() {
        return new int[] {4};
    }

    /** Units in their own order: decoding takes every output of every anchor. */
    @Override
    protected int[] planarOrder(int anchorsPerCell) {
        return IntStream.range(0, anchorsPerCell * outputsPerAnchor()).toArray();
    }

    /** Splits raw outputs [batch, anchor, 4 + C + 1] into plain arrays, one {@link PlainPredictions} per image. */
    public static List<PlainPredictions> toPredictions(NDArray raw) {
        int batch = (int) raw.getShape().get(0);
        int anchors = (int) raw.getShape().get(1);
        int outputs = (int) raw.getShape().get(2);
        int classes = outputs - 4;
        float[] all = raw.toFloatArray();
        List<PlainPredictions> images = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            float[] offsets = new float[anchors * 4];
            float[] logits = new float[anchors * classes];
            for (int a = 0; a < anchors; a++) {
                int base = (b * anchors + a) * outputs;
                System.arraycopy(all, base, offsets, a * 4, 4);
                System.arraycopy(all, base + 4, logits, a * classes, classes);
            }
            images.add(new PlainPredictions(anchors, classes, offsets, logits));
        }
        return images;
    }
}
