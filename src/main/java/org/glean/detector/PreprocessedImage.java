package org.glean.detector;

/**
 * A network input: {@code size × size} intensities in [0, 1], row-major, with the transform
 * that maps its boxes back to the original frame.
 */
public record PreprocessedImage(float[] pixels, int size, LetterboxTransform transform) {

    public PreprocessedImage {
        if (pixels.length != size * size) {
            throw new IllegalArgumentException("a " + size + "² input needs " + size * size
                    + " values, got " + pixels.length);
        }
    }
}
