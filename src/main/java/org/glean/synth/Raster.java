package org.glean.synth;

import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;

/**
 * A square image of floats being painted, in modality units (HU) for CT or projected density for
 * DX. Pixel {@code (column, row)} has its centre at {@code (column + 0.5, row + 0.5)}. All
 * arithmetic that could differ between platforms uses {@link StrictMath}, so that a seed gives
 * the same pixels everywhere.
 */
final class Raster {

    /** Coverage of a shape at a point: 1 inside, 0 outside, a ramp across the edge; ≥ 0.5 means inside. */
    @FunctionalInterface
    interface Field {
        double alpha(double x, double y);
    }

    final int size;
    final float[] values;

    Raster(int size, float fill) {
        this.size = size;
        this.values = new float[size * size];
        java.util.Arrays.fill(values, fill);
    }

    /** Blends every pixel of the window towards {@code value} by the field's coverage. */
    void blend(Field field, double centerX, double centerY, double radius, double value) {
        int x0 = clampIndex(centerX - radius - 2);
        int x1 = clampIndex(centerX + radius + 2);
        int y0 = clampIndex(centerY - radius - 2);
        int y1 = clampIndex(centerY + radius + 2);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double alpha = field.alpha(x + 0.5, y + 0.5);
                if (alpha > 0) {
                    int i = y * size + x;
                    values[i] = (float) (values[i] * (1 - alpha) + value * alpha);
                }
            }
        }
    }

    /** Adds {@code amount × coverage} over the window (projection: densities add up). */
    void add(Field field, double centerX, double centerY, double radius, double amount) {
        int x0 = clampIndex(centerX - radius - 2);
        int x1 = clampIndex(centerX + radius + 2);
        int y0 = clampIndex(centerY - radius - 2);
        int y1 = clampIndex(centerY + radius + 2);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double alpha = field.alpha(x + 0.5, y + 0.5);
                if (alpha != 0) {
                    values[y * size + x] += (float) (amount * alpha);
                }
            }
        }
    }

    /** Blends a lesion's coverage towards {@code value} (CT: the lesion replaces what was there). */
    void blend(Coverage coverage, double value) {
        for (int y = 0; y < coverage.height(); y++) {
            for (int x = 0; x < coverage.width(); x++) {
                double alpha = coverage.alpha()[y * coverage.width() + x];
                if (alpha > 0) {
                    int i = (coverage.y0() + y) * size + coverage.x0() + x;
                    double target = value + coverage.texture()[y * coverage.width() + x];
                    values[i] = (float) (values[i] * (1 - alpha) + target * alpha);
                }
            }
        }
    }

    /** Adds a lesion's projected density: {@code amount × coverage × thickness} (DX). */
    void add(Coverage coverage, double amount) {
        for (int y = 0; y < coverage.height(); y++) {
            for (int x = 0; x < coverage.width(); x++) {
                int k = y * coverage.width() + x;
                double alpha = coverage.alpha()[k];
                if (alpha > 0) {
                    values[(coverage.y0() + y) * size + coverage.x0() + x] +=
                            (float) (alpha * (amount * coverage.thickness()[k] + coverage.texture()[k]));
                }
            }
        }
    }

    /** A mask of this raster's size, for {@link #stampDisk} then {@link #blend(float[], double)} or {@link #add(float[], double)}. */
    float[] newMask() {
        return new float[values.length];
    }

    /** Marks a soft disk of weight {@code weight} on {@code mask}, keeping the larger value where marks overlap. */
    void stampDisk(float[] mask, double cx, double cy, double radius, double edge, double weight) {
        int x0 = clampIndex(cx - radius - edge - 1);
        int x1 = clampIndex(cx + radius + edge + 1);
        int y0 = clampIndex(cy - radius - edge - 1);
        int y1 = clampIndex(cy + radius + edge + 1);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                float alpha = (float) (weight * ramp(radius - Draw.length(x + 0.5 - cx, y + 0.5 - cy), edge));
                int i = y * size + x;
                if (alpha > mask[i]) {
                    mask[i] = alpha;
                }
            }
        }
    }

    /** Blends towards {@code value} by the mask's coverage. */
    void blend(float[] mask, double value) {
        for (int i = 0; i < values.length; i++) {
            if (mask[i] > 0) {
                values[i] = (float) (values[i] * (1 - mask[i]) + value * mask[i]);
            }
        }
    }

    /** Adds {@code amount × mask}. */
    void add(float[] mask, double amount) {
        for (int i = 0; i < values.length; i++) {
            if (mask[i] != 0) {
                values[i] += (float) (amount * mask[i]);
            }
        }
    }

    /** Separable Gaussian blur with standard deviation {@code sigma} pixels; edges are clamped. */
    void blur(double sigma) {
        if (sigma < 0.05) {
            return;
        }
        double[] kernel = gaussianKernel(sigma);
        int radius = kernel.length / 2;
        float[] pass = new float[values.length];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    acc += kernel[k + radius] * values[y * size + clampIndex(x + k)];
                }
                pass[y * size + x] = (float) acc;
            }
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    acc += kernel[k + radius] * pass[clampIndex(y + k) * size + x];
                }
                values[y * size + x] = (float) acc;
            }
        }
    }

    /** Adds white Gaussian noise of standard deviation {@code sigma}. */
    void addNoise(SplittableRandom random, double sigma) {
        if (sigma <= 0) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] += (float) (sigma * Draw.gaussian(random));
        }
    }

    /**
     * Correlated noise of unit standard deviation: white Gaussian noise blurred by a Gaussian of
     * {@code correlation} pixels and scaled back up by the kernel's noise reduction (the root of
     * the sum of the 2-D kernel's squared weights), as a CT reconstruction kernel or a detector's
     * light spread would correlate it.
     */
    float[] correlatedNoise(SplittableRandom random, double correlation) {
        Raster noise = new Raster(size, 0);
        noise.addNoise(random, 1);
        noise.blur(correlation);
        double squares = 0;
        for (double weight : gaussianKernel(correlation)) {
            squares += weight * weight;
        }
        // separable: the 2-D kernel's sum of squares is the square of the 1-D one's
        float gain = (float) (1 / squares);
        for (int i = 0; i < noise.values.length; i++) {
            noise.values[i] *= gain;
        }
        return noise.values;
    }

    /**
     * Adds a smooth random field of amplitude about {@code amplitude}: bilinear interpolation of
     * a coarse grid of random values, {@code cells} cells across (texture of soft tissue).
     */
    void addSmoothTexture(SplittableRandom random, int cells, double amplitude) {
        double[] grid = new double[(cells + 1) * (cells + 1)];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = amplitude * (2 * random.nextDouble() - 1);
        }
        double cell = (double) size / cells;
        for (int y = 0; y < size; y++) {
            double gy = (y + 0.5) / cell;
            int iy = StrictMath.min((int) gy, cells - 1);
            double fy = smooth(gy - iy);
            for (int x = 0; x < size; x++) {
                double gx = (x + 0.5) / cell;
                int ix = StrictMath.min((int) gx, cells - 1);
                double fx = smooth(gx - ix);
                double top = grid[iy * (cells + 1) + ix] * (1 - fx) + grid[iy * (cells + 1) + ix + 1] * fx;
                double bottom = grid[(iy + 1) * (cells + 1) + ix] * (1 - fx) + grid[(iy + 1) * (cells + 1) + ix + 1] * fx;
                values[y * size + x] += (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }

    /** Rounds to whole stored values within {@code [min, max]}, as they will be written (no −0). */
    void quantize(int min, int max) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) StrictMath.max(min, StrictMath.min(max, StrictMath.rint(values[i]))) + 0.0f;
        }
    }

    private int clampIndex(double coordinate) {
        return (int) StrictMath.max(0, StrictMath.min(size - 1, StrictMath.floor(coordinate)));
    }

    private int clampIndex(int index) {
        return index < 0 ? 0 : index >= size ? size - 1 : index;
    }

    /** A normalised Gaussian kernel of standard deviation {@code sigma}, reaching 3 sigma either side. */
    private static double[] gaussianKernel(double sigma) {
        int radius = (int) StrictMath.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = StrictMath.exp(-k * k / (2 * sigma * sigma));
            sum += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        return kernel;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    /** An ellipse centred at {@code (cx, cy)} with semi-axes {@code a, b}, rotated by {@code angle}, soft over {@code edge} pixels. */
    static Field ellipse(double cx, double cy, double a, double b, double angle, double edge) {
        return rotated(cx, cy, a, b, angle, edge, (u, v) -> StrictMath.sqrt(u * u + v * v));
    }

    /** A superellipse {@code |u/a|^p + |v/b|^p ≤ 1} centred at {@code (cx, cy)}: boxier than an ellipse for p above 2. */
    static Field superellipse(double cx, double cy, double a, double b, double exponent, double edge) {
        double scale = StrictMath.min(a, b);
        return (x, y) -> ramp((1 - superellipseNorm((x - cx) / a, (y - cy) / b, exponent)) * scale, edge);
    }

    /** A {@link #superellipse} rotated by {@code angle}. */
    static Field superellipse(double cx, double cy, double a, double b, double exponent, double angle, double edge) {
        return rotated(cx, cy, a, b, angle, edge, (u, v) -> superellipseNorm(u, v, exponent));
    }

    /**
     * A shape centred at {@code (cx, cy)} with semi-axes {@code a, b}, rotated by {@code angle}:
     * inside where {@code norm} of the point in the shape's unit frame is below 1.
     */
    private static Field rotated(double cx, double cy, double a, double b, double angle, double edge,
                                 DoubleBinaryOperator norm) {
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        double scale = StrictMath.min(a, b);
        return (x, y) -> {
            double dx = x - cx;
            double dy = y - cy;
            double u = (dx * cos + dy * sin) / a;
            double v = (-dx * sin + dy * cos) / b;
            return ramp((1 - norm.applyAsDouble(u, v)) * scale, edge);
        };
    }

    /** An {@link #ellipse} for exponent 2, else the rotated {@link #superellipse} of that exponent. */
    static Field rounded(double cx, double cy, double a, double b, double exponent, double angle, double edge) {
        return exponent == 2 ? ellipse(cx, cy, a, b, angle, edge) : superellipse(cx, cy, a, b, exponent, angle, edge);
    }

    /** {@code (|u|^p + |v|^p)^(1/p)}: 1 on the unit superellipse of exponent {@code p}. */
    static double superellipseNorm(double u, double v, double exponent) {
        return StrictMath.pow(StrictMath.pow(StrictMath.abs(u), exponent) + StrictMath.pow(StrictMath.abs(v), exponent),
                1 / exponent);
    }

    /** A disk; {@link #ellipse} with equal axes. */
    static Field disk(double cx, double cy, double radius, double edge) {
        return (x, y) -> ramp(radius - Draw.length(x - cx, y - cy), edge);
    }

    /** Coverage for a signed distance {@code inside} (positive inside) across an edge of {@code edge} pixels. */
    static double ramp(double inside, double edge) {
        return StrictMath.max(0, StrictMath.min(1, 0.5 + inside / edge));
    }
}
