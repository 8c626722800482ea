package org.glean.synth;

/**
 * What one object covers on one image: coverage {@code alpha} in [0, 1] over a window (≥ 0.5 is
 * inside the object; its bounding box is the ground truth), the object's relative thickness
 * (1 at its thickest; used by projections) and an intensity texture added inside it.
 */
record Coverage(int x0, int y0, int width, int height, float[] alpha, float[] thickness, float[] texture) {

    /** The tight box around the pixels with coverage ≥ 0.5, or null when there are none. */
    ObjectBox box(LesionClass lesionClass) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (alpha[y * width + x] >= 0.5f) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) {
            return null;
        }
        return new ObjectBox(lesionClass, x0 + minX, y0 + minY, maxX - minX + 1, maxY - minY + 1);
    }
}
