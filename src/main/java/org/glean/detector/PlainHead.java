package org.glean.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordinary SSD head: per anchor one box offset [4] and one set of class logits [C+1],
 * returned as two arrays [batch, anchor, 4] and [batch, anchor, C+1].
 */
public final class PlainHead extends DetectionHead {

    public static final int OFFSETS = 0;
    public static final int LOGITS = 1;

    private final int classes;

    PlainHead(DetectorConfig config) {
        super(config);
        classes = config.classesWithBackground();
    }

    @Override
    protected NDList activate(NDArray raw) {
        return raw.split(new long[] {4}, 2);
    }

    @Override
    protected int[] backgroundLogits() {
        return new int[] {4};
    }

    @Override
    protected Shape[] outputShapes(long batch, long anchors) {
        return new Shape[] {new Shape(batch, anchors, 4), new Shape(batch, anchors, classes)};
    }

    /** Copies outputs to plain arrays, one {@link PlainPredictions} per image. */
    public static List<PlainPredictions> toPredictions(NDList outputs) {
        Shape logitShape = outputs.get(LOGITS).getShape();
        int batch = (int) logitShape.get(0);
        int anchors = (int) logitShape.get(1);
        int classes = (int) logitShape.get(2);
        float[] offsets = outputs.get(OFFSETS).toFloatArray();
        float[] logits = outputs.get(LOGITS).toFloatArray();
        List<PlainPredictions> images = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            images.add(new PlainPredictions(anchors, classes,
                    MdnHead.slice(offsets, b, anchors * 4), MdnHead.slice(logits, b, anchors * classes)));
        }
        return images;
    }
}
