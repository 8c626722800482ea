package org.glean.detector;

/**
 * The outputs of an ordinary SSD head for one image: per anchor one box offset
 * [anchor][x,y,w,h] and one set of class logits [anchor][class 0…C].
 */
public record PlainPredictions(int anchors, int classes, float[] offsets, float[] logits) {

    public PlainPredictions {
        if (offsets.length != anchors * 4 || logits.length != anchors * classes) {
            throw new IllegalArgumentException("expected " + anchors * 4 + " offsets and " + anchors * classes
                    + " logits, got " + offsets.length + " and " + logits.length);
        }
    }

    /** Box offsets as they are and softmax class probabilities of every anchor. */
    public AnchorScores scores() {
        float[] probabilities = new float[anchors * classes];
        double[] softmax = new double[classes];
        for (int a = 0; a < anchors; a++) {
            Softmax.of(logits, a * classes, classes, softmax);
            for (int c = 0; c < classes; c++) {
                probabilities[a * classes + c] = (float) softmax[c];
            }
        }
        return new AnchorScores(anchors, classes, offsets, probabilities);
    }
}
