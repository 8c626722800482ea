package org.glean.detector;

/**
 * The activated mixture outputs of one image for all its anchors, as flat arrays (row-major):
 * localization arrays are [anchor][coordinate x,y,w,h][component], classification means and
 * variances [anchor][component][class 0…C], classification weights [anchor][component].
 */
public record MdnPredictions(int anchors, int components, int classes,
                             float[] locMeans, float[] locVariances, float[] locWeights,
                             float[] clsMeans, float[] clsVariances, float[] clsWeights) {

    public MdnPredictions {
        int loc = anchors * 4 * components;
        int cls = anchors * components * classes;
        requireLength("localization means", locMeans, loc);
        requireLength("localization variances", locVariances, loc);
        requireLength("localization weights", locWeights, loc);
        requireLength("classification means", clsMeans, cls);
        requireLength("classification variances", clsVariances, cls);
        requireLength("classification weights", clsWeights, anchors * components);
    }

    /**
     * Activates raw head outputs of {@code anchors} anchors, laid out as {@link MdnHead} describes,
     * in plain Java: sigmoid for the variances, softmax over k for the weights.
     */
    public static MdnPredictions fromRaw(float[] raw, int anchors, int components, int classes) {
        int k = components;
        int loc = 4 * k;
        int cls = k * classes;
        int stride = 3 * loc + 2 * cls + k;
        requireLength("raw outputs", raw, anchors * stride);
        float[] locMeans = new float[anchors * loc];
        float[] locVariances = new float[anchors * loc];
        float[] locWeights = new float[anchors * loc];
        float[] clsMeans = new float[anchors * cls];
        float[] clsVariances = new float[anchors * cls];
        float[] clsWeights = new float[anchors * k];
        double[] softmax = new double[k];
        for (int a = 0; a < anchors; a++) {
            int base = a * stride;
            for (int i = 0; i < loc; i++) {
                locMeans[a * loc + i] = raw[base + i];
                locVariances[a * loc + i] = sigmoid(raw[base + loc + i]);
            }
            for (int b = 0; b < 4; b++) {
                Softmax.of(raw, base + 2 * loc + b * k, k, softmax);
                for (int c = 0; c < k; c++) {
                    locWeights[a * loc + b * k + c] = (float) softmax[c];
                }
            }
            for (int i = 0; i < cls; i++) {
                clsMeans[a * cls + i] = raw[base + 3 * loc + i];
                clsVariances[a * cls + i] = sigmoid(raw[base + 3 * loc + cls + i]);
            }
            Softmax.of(raw, base + 3 * loc + 2 * cls, k, softmax);
            for (int c = 0; c < k; c++) {
                clsWeights[a * k + c] = (float) softmax[c];
            }
        }
        return new MdnPredictions(anchors, k, classes, locMeans, locVariances, locWeights, clsMeans, clsVariances,
                clsWeights);
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    private static void requireLength(String what, float[] values, int expected) {
        if (values.length != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " values, got " + values.length);
        }
    }

    /** R_b = Σ_k π_b^k μ_b^k of one anchor: the mixture-mean offsets x, y, w, h. */
    public double[] meanOffsets(int anchor) {
        double[] r = new double[4];
        for (int b = 0; b < 4; b++) {
            int base = (anchor * 4 + b) * components;
            for (int k = 0; k < components; k++) {
                r[b] += (double) locWeights[base + k] * locMeans[base + k];
            }
        }
        return r;
    }

    /** P_p = Σ_k π^k softmax(μ^k)_p of one anchor, for every class p = 0 … C. */
    public double[] classProbabilities(int anchor) {
        double[] p = new double[classes];
        double[] softmax = new double[classes];
        for (int k = 0; k < components; k++) {
            Softmax.of(clsMeans, (anchor * components + k) * classes, classes, softmax);
            double weight = clsWeights[anchor * components + k];
            for (int c = 0; c < classes; c++) {
                p[c] += weight * softmax[c];
            }
        }
        return p;
    }

    /** R and P of every anchor. */
    public AnchorScores scores() {
        float[] offsets = new float[anchors * 4];
        float[] probabilities = new float[anchors * classes];
        for (int a = 0; a < anchors; a++) {
            double[] r = meanOffsets(a);
            double[] p = classProbabilities(a);
            for (int b = 0; b < 4; b++) {
                offsets[a * 4 + b] = (float) r[b];
            }
            for (int c = 0; c < classes; c++) {
                probabilities[a * classes + c] = (float) p[c];
            }
        }
        return new AnchorScores(anchors, classes, offsets, probabilities);
    }

    /** The anchor's mixture parameters as the uncertainty computation takes them. */
    public MixtureParameters mixture(int anchor) {
        double[][] locW = new double[4][components];
        double[][] locM = new double[4][components];
        double[][] locV = new double[4][components];
        for (int b = 0; b < 4; b++) {
            int base = (anchor * 4 + b) * components;
            for (int k = 0; k < components; k++) {
                locW[b][k] = locWeights[base + k];
                locM[b][k] = locMeans[base + k];
                locV[b][k] = locVariances[base + k];
            }
        }
        double[] clsW = new double[components];
        double[][] clsM = new double[components][classes];
        double[][] clsV = new double[components][classes];
        for (int k = 0; k < components; k++) {
            clsW[k] = clsWeights[anchor * components + k];
            int base = (anchor * components + k) * classes;
            for (int c = 0; c < classes; c++) {
                clsM[k][c] = clsMeans[base + c];
                clsV[k][c] = clsVariances[base + c];
            }
        }
        return new MixtureParameters(locW, locM, locV, clsW, clsM, clsV);
    }
}
