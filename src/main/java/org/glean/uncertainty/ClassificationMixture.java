package org.glean.uncertainty;

/**
 * The classification mixture of one anchor (method.md §1): K components, each a vector of class
 * logits over the C+1 classes p ∈ {0 … C} (0 = background) with a variance per class, and one
 * weight per component.
 *
 * <p>Shapes, values <em>after</em> activation:
 * <ul>
 *   <li>{@code weights[k]}          = π^k, softmax over k (≥ 0, sums to 1), shape {@code [K]};</li>
 *   <li>{@code logits[k][p]}        = μ_p^k, the raw mean logits (not softmaxed), shape {@code [K][C+1]};</li>
 *   <li>{@code variances[k][p]}     = Σ_p^k, sigmoid of the raw output (≥ 0), shape {@code [K][C+1]}.</li>
 * </ul>
 * The constructor validates shapes and values and copies the arrays; accessors return copies.
 */
public record ClassificationMixture(double[] weights, double[][] logits, double[][] variances) {

    public ClassificationMixture {
        weights = MixtureValidation.copyWeights(weights, "classification weights");
        int components = weights.length;
        MixtureValidation.requireLength(logits, components, "classification logits");
        MixtureValidation.requireLength(variances, components, "classification variances");
        if (logits[0] == null || logits[0].length < 2) {
            throw new IllegalArgumentException("classification logits must cover background plus at least one object class");
        }
        int classes = logits[0].length;
        double[][] mu = new double[components][];
        double[][] var = new double[components][];
        for (int k = 0; k < components; k++) {
            mu[k] = MixtureValidation.copyFinite(logits[k], classes, "classification logits of component " + k);
            var[k] = MixtureValidation.copyVariances(variances[k], classes, "classification variances of component " + k);
        }
        logits = mu;
        variances = var;
    }

    /** Number of mixture components K. */
    public int components() {
        return weights.length;
    }

    /** Number of classes C+1, background included. */
    public int classes() {
        return logits[0].length;
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public double[][] logits() {
        return MixtureValidation.deepCopy(logits);
    }

    @Override
    public double[][] variances() {
        return MixtureValidation.deepCopy(variances);
    }

    /**
     * §4 per class p ∈ {0 … C}, with p^k = softmax(μ^k):
     * <pre>
     *   u_ep(p) = Σ_k π^k (p_p^k − Σ_j π^j p_p^j)²
     *   u_al(p) = Σ_k π^k Σ_p^k
     * </pre>
     * i.e. the one-dimensional mixture formula applied to class p's probabilities and variances.
     */
    public MixtureUncertainty[] uncertaintyPerClass() {
        int components = components();
        double[][] probabilities = new double[components][];
        for (int k = 0; k < components; k++) {
            probabilities[k] = softmax(logits[k]);
        }
        MixtureUncertainty[] perClass = new MixtureUncertainty[classes()];
        double[] classProbabilities = new double[components];
        double[] classVariances = new double[components];
        for (int p = 0; p < perClass.length; p++) {
            for (int k = 0; k < components; k++) {
                classProbabilities[k] = probabilities[k][p];
                classVariances[k] = variances[k][p];
            }
            perClass[p] = MixtureUncertainty.of(weights, classProbabilities, classVariances);
        }
        return perClass;
    }

    /**
     * The object's classification values as {@code mode} says: the maxima over all C+1 classes
     * (background included, as the patent takes them over every class's mixture), each maximum
     * separately; or the two values of {@code detectedClass} (reference code).
     *
     * @param detectedClass the detection's class, 1 … C; read only by {@link ClassUncertaintyMode#DETECTED_CLASS}
     */
    public MixtureUncertainty uncertainty(ClassUncertaintyMode mode, int detectedClass) {
        MixtureUncertainty[] perClass = uncertaintyPerClass();
        return switch (mode) {
            case MAX_OVER_CLASSES -> MixtureUncertainty.maxOf(perClass);
            case DETECTED_CLASS -> {
                if (detectedClass < 1 || detectedClass >= perClass.length) {
                    throw new IllegalArgumentException("detected class " + detectedClass + " is not an object class 1…"
                            + (perClass.length - 1) + " (0 is background)");
                }
                yield perClass[detectedClass];
            }
        };
    }

    /** Softmax, shifted by the maximum logit so that exp never overflows. */
    static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit);
        }
        double[] probabilities = new double[logits.length];
        double sum = 0;
        for (int p = 0; p < logits.length; p++) {
            probabilities[p] = Math.exp(logits[p] - max);
            sum += probabilities[p];
        }
        for (int p = 0; p < logits.length; p++) {
            probabilities[p] /= sum;
        }
        return probabilities;
    }
}
