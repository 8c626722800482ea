package org.glean.detector;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a detector network, enough to rebuild it before loading its parameters.
 *
 * <p>The backbone is a stack of stages; each halves the resolution with a stride-2 3×3
 * convolution and refines with a second 3×3 convolution (each followed by BatchNorm and ReLU),
 * {@code backboneChannels} giving each stage's width. The last {@code backboneFeatureMaps}
 * stages feed the head. Each entry of {@code extraChannels} adds one more map at half the
 * previous resolution (1×1 reduction to half the width, rounded up to a multiple of 16, then a
 * stride-2 3×3 convolution). For the defaults, a 256² input gives maps of 32², 16², 8² and 4².
 *
 * <p>Widths must be multiples of {@value #CHANNEL_MULTIPLE}: on AVX-512 CPUs oneDNN (PyTorch's
 * CPU convolutions) stores channels in blocks of 16, and with a partly filled block its
 * convolution backward pass now and then returns NaN gradients (seen with PyTorch 2.7.1 /
 * oneDNN 3.7.1: an 8-channel layer went NaN in about 3 % of backward passes, a 16-channel layer
 * never in 600).
 *
 * @param inputSize            side of the square single-channel input, a multiple of
 *                             2^(stages + extra layers)
 * @param anchors              default boxes per feature map, in map order
 * @param classes              class names, label 1 … C in order (label 0 is background)
 * @param components           K, mixture components per output (MDN head only)
 * @param head                 MDN or plain
 * @param dropout              rate of the dropout applied to every feature map before the head,
 *                             0 for none; when non-zero it can stay active at inference for
 *                             MC-dropout
 * @param featurePyramid       whether each feature map also hears the next coarser one (a top-down
 *                             path, see {@link Backbone}); false in manifests written before it
 */
public record DetectorConfig(int inputSize, List<Integer> backboneChannels, int backboneFeatureMaps,
                             List<Integer> extraChannels, List<FeatureMapAnchors> anchors, List<String> classes,
                             int components, HeadType head, double dropout, boolean featurePyramid) {

    public static final List<String> DEFAULT_CLASSES = List.of("nodule", "mass", "calcification");
    public static final int CHANNEL_MULTIPLE = 16;

    public DetectorConfig {
        backboneChannels = List.copyOf(backboneChannels);
        extraChannels = List.copyOf(extraChannels);
        anchors = List.copyOf(anchors);
        classes = List.copyOf(classes);
        if (backboneChannels.isEmpty() || backboneFeatureMaps < 1 || backboneFeatureMaps > backboneChannels.size()) {
            throw new IllegalArgumentException("need at least one backbone stage and 1 … " + backboneChannels.size()
                    + " of them as feature maps, got " + backboneFeatureMaps);
        }
        for (int width : concat(backboneChannels, extraChannels)) {
            if (width < 1 || width % CHANNEL_MULTIPLE != 0) {
                throw new IllegalArgumentException("layer widths must be positive multiples of " + CHANNEL_MULTIPLE
                        + ", got " + width);
            }
        }
        int downsamplings = backboneChannels.size() + extraChannels.size();
        if (inputSize < 1 || inputSize % (1 << downsamplings) != 0) {
            throw new IllegalArgumentException("input size " + inputSize + " must be a positive multiple of "
                    + (1 << downsamplings) + " for " + downsamplings + " halvings");
        }
        if (classes.isEmpty() || components < 1 || !(dropout >= 0 && dropout < 1) || head == null) {
            throw new IllegalArgumentException("need at least one class, K >= 1, a head type and dropout in [0, 1)");
        }
        List<Integer> sizes = featureMapSizes(inputSize, backboneChannels.size(), backboneFeatureMaps,
                extraChannels.size());
        if (anchors.size() != sizes.size()) {
            throw new IllegalArgumentException(sizes.size() + " feature maps but anchors for " + anchors.size());
        }
        for (int m = 0; m < sizes.size(); m++) {
            if (anchors.get(m).size() != sizes.get(m)) {
                throw new IllegalArgumentException("feature map " + m + " is " + sizes.get(m) + "² but its anchors are laid out for "
                        + anchors.get(m).size() + "²");
            }
        }
    }

    /** The default network for {@code inputSize} (256 in the product) and the given classes. */
    public static DetectorConfig defaults(int inputSize, List<String> classes) {
        return of(inputSize, List.of(16, 32, 64, 96), 2, List.of(96, 96), classes, 4);
    }

    /** A network of the given widths with default anchors, an MDN head and no dropout. */
    public static DetectorConfig of(int inputSize, List<Integer> backboneChannels, int backboneFeatureMaps,
                                    List<Integer> extraChannels, List<String> classes, int components) {
        List<Integer> sizes = featureMapSizes(inputSize, backboneChannels.size(), backboneFeatureMaps,
                extraChannels.size());
        return new DetectorConfig(inputSize, backboneChannels, backboneFeatureMaps, extraChannels,
                FeatureMapAnchors.defaultsFor(sizes), classes, components, HeadType.MDN, 0, false);
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Integer> featureMapSizes(int inputSize, int stages, int backboneMaps, int extras) {
        List<Integer> sizes = new ArrayList<>();
        for (int s = stages - backboneMaps; s < stages + extras; s++) {
            sizes.add(inputSize >> (s + 1));
        }
        return sizes;
    }

    public DetectorConfig withHead(HeadType newHead) {
        return new DetectorConfig(inputSize, backboneChannels, backboneFeatureMaps, extraChannels, anchors, classes,
                components, newHead, dropout, featurePyramid);
    }

    public DetectorConfig withDropout(double rate) {
        return new DetectorConfig(inputSize, backboneChannels, backboneFeatureMaps, extraChannels, anchors, classes,
                components, head, rate, featurePyramid);
    }

    public DetectorConfig withFeaturePyramid(boolean pyramid) {
        return new DetectorConfig(inputSize, backboneChannels, backboneFeatureMaps, extraChannels, anchors, classes,
                components, head, dropout, pyramid);
    }

    /** C + 1: the classes plus background. */
    public int classesWithBackground() {
        return classes.size() + 1;
    }

    public int featureMapCount() {
        return anchors.size();
    }

    /** Outputs per anchor of the head. */
    public int outputsPerAnchor() {
        int k = components;
        return head == HeadType.MDN
                ? 3 * 4 * k + 2 * k * classesWithBackground() + k
                : 4 + classesWithBackground();
    }

    public Anchors generateAnchors() {
        return Anchors.generate(anchors);
    }
}
