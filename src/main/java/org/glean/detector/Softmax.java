package org.glean.detector;

/** Numerically stable softmax over a slice of a flat array. */
final class Softmax {

    private Softmax() {
    }

    static void of(float[] logits, int offset, int length, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            out[i] = Math.exp(logits[offset + i] - max);
            sum += out[i];
        }
        for (int i = 0; i < length; i++) {
            out[i] /= sum;
        }
    }
}
