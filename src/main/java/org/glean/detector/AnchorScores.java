package org.glean.detector;

/**
 * What detection selection needs of every anchor of one image (method.md §3): the box offsets
 * R_b [anchor][x,y,w,h] and the class probabilities P_p [anchor][class 0…C].
 */
public record AnchorScores(int anchors, int classes, float[] offsets, float[] probabilities) {

    public AnchorScores {
        if (offsets.length != anchors * 4 || probabilities.length != anchors * classes) {
            throw new IllegalArgumentException("expected " + anchors * 4 + " offsets and " + anchors * classes
                    + " probabilities, got " + offsets.length + " and " + probabilities.length);
        }
    }
}
