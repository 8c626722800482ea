package org.glean.detector;

/**
 * One detected object.
 *
 * @param anchorIndex the anchor whose prediction this is (see {@link Anchors} for the order)
 * @param label       class label 1 … C
 * @param className   the name of that class
 * @param score       P_label = Σ_k π^k softmax(μ^k)_label (method.md §3)
 * @param box         the box in normalised network-input coordinates, clipped to [0, 1]
 * @param pixelBox    the same box in the original frame's pixel coordinates
 * @param mixture     the anchor's activated mixture parameters; null for a plain (non-MDN) head
 */
public record Detection(int anchorIndex, int label, String className, double score, Box box,
                        PixelBox pixelBox, MixtureParameters mixture) {

    public Detection withMixture(MixtureParameters parameters) {
        return new Detection(anchorIndex, label, className, score, box, pixelBox, parameters);
    }
}
