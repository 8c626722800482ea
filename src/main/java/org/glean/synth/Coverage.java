package org.glean.synth;

import java.util.function.IntPredicate;

/**
 * What one object covers on one image: coverage {@code alpha} in [0, 1] over a window (≥ 0.5 is
 * inside the object), the object's relative thickness (1 at its thickest; used by projections)
 * and an intensity texture added inside it. Its ground-truth box is the tight box around the
 * pixels inside it that can be seen.
 */
record Coverage(int x0, int y0, int width, int height, float[] alpha, float[] thickness, float[] texture) {

    /** The tight box around every pixel inside the object (a projection shows all of it), or null. */
    ObjectBox box(LesionClass lesionClass) {
        return box(lesionClass, k -> true);
    }

    /**
     * The tight box around the pixels inside the object whose {@code value} differs from the
     * {@code background} (before the object is blended in) by at least {@code minimumContrast}:
     * the part of a mass that lies over soft tissue of its own density cannot be seen. Null when
     * fewer than {@code minimumPixels} can.
     */
    ObjectBox visibleBox(LesionClass lesionClass, Raster background, double value, double minimumContrast,
                         int minimumPixels) {
        int[] visible = {0};
        ObjectBox box = box(lesionClass, k -> {
            int x = x0 + k % width;
            int y = y0 + k / width;
            boolean seen = StrictMath.abs(value + texture[k] - background.values[y * background.size + x])
                    >= minimumContrast;
            visible[0] += seen ? 1 : 0;
            return seen;
        });
        return visible[0] >= minimumPixels ? box : null;
    }

    private ObjectBox box(LesionClass lesionClass, IntPredicate visible) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int k = y * width + x;
                if (alpha[k] >= 0.5f && visible.test(k)) {
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

    /** The pixels an object reaching {@code reach} from ({@code cx}, {@code cy}) may cover, one pixel of margin, cut to the image. */
    record Window(int x0, int y0, int width, int height) {

        /** The window, or null when nothing of it lies inside a {@code size × size} image. */
        static Window around(double cx, double cy, double reach, int size) {
            int x0 = (int) StrictMath.max(0, StrictMath.floor(cx - reach - 1));
            int y0 = (int) StrictMath.max(0, StrictMath.floor(cy - reach - 1));
            int x1 = (int) StrictMath.min(size - 1, StrictMath.ceil(cx + reach + 1));
            int y1 = (int) StrictMath.min(size - 1, StrictMath.ceil(cy + reach + 1));
            return x1 < x0 || y1 < y0 ? null : new Window(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
        }
    }
}
