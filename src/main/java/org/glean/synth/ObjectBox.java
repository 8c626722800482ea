package org.glean.synth;

/**
 * A ground-truth object on one synthetic image: its class and the tight box, in pixel
 * coordinates, around the pixels it covers (column {@code x} covers {@code [x, x+1)}).
 */
public record ObjectBox(LesionClass lesionClass, int x, int y, int width, int height) {
}
