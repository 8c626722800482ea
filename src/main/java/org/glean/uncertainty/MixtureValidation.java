package org.glean.uncertainty;

/** Shape and value checks shared by the mixture records; messages name the offending entry. */
final class MixtureValidation {

    /**
     * How far a component's weights may sum from 1. Softmax outputs computed in float32 by the
     * detector sum to 1 only within a few ulps per component.
     */
    static final double WEIGHT_SUM_TOLERANCE = 1e-5;

    private MixtureValidation() {
    }

    static double[] copyWeights(double[] weights, String name) {
        if (weights == null || weights.length == 0) {
            throw new IllegalArgumentException(name + " must hold at least one component weight");
        }
        double sum = 0;
        for (int k = 0; k < weights.length; k++) {
            double w = weights[k];
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException(name + "[" + k + "] = " + w + " is not a weight (must be finite and ≥ 0)");
            }
            sum += w;
        }
        if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
            throw new IllegalArgumentException(name + " sums to " + sum
                    + ", expected 1 within " + WEIGHT_SUM_TOLERANCE + " (pass weights after softmax)");
        }
        return weights.clone();
    }

    static double[] copyFinite(double[] values, int expectedLength, String name) {
        requireLength(values, expectedLength, name);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + values[i] + " is not finite");
            }
        }
        return values.clone();
    }

    static double[] copyVariances(double[] values, int expectedLength, String name) {
        requireLength(values, expectedLength, name);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i]) || values[i] < 0) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + values[i]
                        + " is not a variance (must be finite and ≥ 0; pass variances after sigmoid)");
            }
        }
        return values.clone();
    }

    static void requireLength(Object[] rows, int expectedLength, String name) {
        if (rows == null || rows.length != expectedLength) {
            throw new IllegalArgumentException(name + " must have " + expectedLength + " rows, has "
                    + (rows == null ? "none" : rows.length));
        }
    }

    private static void requireLength(double[] values, int expectedLength, String name) {
        if (values == null || values.length != expectedLength) {
            throw new IllegalArgumentException(name + " must have length " + expectedLength + ", has "
                    + (values == null ? "none" : values.length));
        }
    }

    static double[][] deepCopy(double[][] rows) {
        double[][] copy = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            copy[i] = rows[i].clone();
        }
        return copy;
    }
}
