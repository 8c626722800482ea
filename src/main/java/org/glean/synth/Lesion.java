package org.glean.synth;

import java.util.SplittableRandom;

/**
 * One object of a phantom: a nodule (small round solid), a mass (larger, lobulated, soft-edged
 * solid) or a calcification cluster (tiny very bright dots). It lives in three dimensions for
 * CT — centred on slice {@code centerSlice}, reaching {@code halfDepth} slices either side with
 * a cross-section that shrinks away from the centre — and is seen whole by a projection (DX).
 */
final class Lesion {

    /** One calcification dot, relative to the cluster's centre. */
    private record Dot(double dx, double dy, double dz, double radius) {
    }

    private static final int LOBES = 4;

    final LesionClass lesionClass;
    final double centerX;
    final double centerY;
    final double centerSlice;
    /** In-plane radius in pixels (the cluster's radius for a calcification). */
    final double radius;
    /** CT: HU inside the object; DX: density added at the object's thickest. */
    final double intensity;
    private final double halfDepth;
    private final double edge;
    private final double elongation;
    private final double angle;
    /** Lobe k (k = 0..3) changes the radius by {@code amplitude[k] · cos((k+2)θ + phase[k])}. */
    private final double[] lobeAmplitude;
    private final double[] lobePhase;
    private final double textureAmplitude;
    private final double texturePhaseX;
    private final double texturePhaseY;
    private final Dot[] dots;

    private Lesion(LesionClass lesionClass, double centerX, double centerY, double centerSlice, double radius,
                   double halfDepth, double edge, double intensity, double textureAmplitude, double lobulation,
                   Dot[] dots, SplittableRandom random) {
        this.lesionClass = lesionClass;
        this.centerX = centerX;
        this.centerY = centerY;
        this.centerSlice = centerSlice;
        this.radius = radius;
        this.halfDepth = halfDepth;
        this.edge = edge;
        this.intensity = intensity;
        this.textureAmplitude = textureAmplitude;
        this.dots = dots;
        this.elongation = dots == null ? Draw.uniform(random, 1 - lobulation - 0.1, 1) : 1;
        this.angle = Draw.uniform(random, 0, StrictMath.PI);
        this.lobeAmplitude = new double[LOBES];
        this.lobePhase = new double[LOBES];
        for (int k = 0; k < LOBES; k++) {
            lobeAmplitude[k] = lobulation * Draw.uniform(random, 0.4, 1.0) / (k + 1);
            lobePhase[k] = Draw.uniform(random, 0, 2 * StrictMath.PI);
        }
        this.texturePhaseX = Draw.uniform(random, 0, 2 * StrictMath.PI);
        this.texturePhaseY = Draw.uniform(random, 0, 2 * StrictMath.PI);
    }

    /**
     * A new lesion of {@code lesionClass} at {@code (x, y)} on slice {@code slice}.
     *
     * @param scale pixels per pixel-at-256² (image size / 256 × zoom)
     * @param slicePixels slice spacing in pixels-at-256², which fixes how many slices an object spans
     * @param ct whether intensities are HU (CT) or projected density (DX)
     */
    static Lesion draw(LesionClass lesionClass, SplittableRandom random, double x, double y, double slice,
                       double scale, double slicePixels, boolean ct) {
        return switch (lesionClass) {
            case NODULE -> {
                double r = Draw.uniform(random, 4, 12);
                yield new Lesion(lesionClass, x, y, slice, r * scale, r / slicePixels * Draw.uniform(random, 0.9, 1.2),
                        1.0, ct ? Draw.uniform(random, 20, 80) : Draw.uniform(random, 150, 300), ct ? 6 : 4,
                        0.05, null, random);
            }
            case MASS -> {
                double r = Draw.uniform(random, 15, 35);
                yield new Lesion(lesionClass, x, y, slice, r * scale, r / slicePixels * Draw.uniform(random, 0.5, 0.8),
                        3.0 * scale, ct ? Draw.uniform(random, 10, 50) : Draw.uniform(random, 110, 220), ct ? 15 : 10,
                        0.28, null, random);
            }
            case CALCIFICATION -> {
                double clusterRadius = Draw.uniform(random, 3, 7) * scale;
                Dot[] dots = new Dot[Draw.integer(random, 3, 8)];
                for (int i = 0; i < dots.length; i++) {
                    double a = Draw.uniform(random, 0, 2 * StrictMath.PI);
                    double d = clusterRadius * StrictMath.sqrt(random.nextDouble());
                    dots[i] = new Dot(d * StrictMath.cos(a), d * StrictMath.sin(a), Draw.uniform(random, -0.9, 0.9),
                            Draw.uniform(random, 0.8, 1.5) * StrictMath.max(1, scale));
                }
                yield new Lesion(lesionClass, x, y, slice, clusterRadius, 1.1, 0.8,
                        ct ? Draw.uniform(random, 1400, 2200) : Draw.uniform(random, 700, 1200), 0, 0, dots, random);
            }
        };
    }

    /** The largest distance from the centre that the object reaches in the image plane. */
    double reach() {
        if (dots != null) {
            return radius + 2 * StrictMath.max(1, dots[0].radius()) + edge;
        }
        double lobes = 0;
        for (double amplitude : lobeAmplitude) {
            lobes += amplitude;
        }
        return radius * (1 + lobes) + edge;
    }

    /**
     * The object's coverage on slice {@code slice} (CT), or its whole footprint when
     * {@code projection} (DX); null when nothing of it is visible there.
     */
    Coverage coverage(double slice, boolean projection, int size) {
        int minimumPixels;
        double crossSection = 1;
        if (dots == null) {
            double dz = projection ? 0 : slice - centerSlice;
            if (StrictMath.abs(dz) >= halfDepth) {
                return null;
            }
            crossSection = StrictMath.sqrt(1 - (dz / halfDepth) * (dz / halfDepth));
            if (radius * crossSection < (lesionClass == LesionClass.MASS ? 4 : 2)) {
                return null;
            }
            minimumPixels = 9;
        } else {
            minimumPixels = 2;
        }
        Coverage.Window window = Coverage.Window.around(centerX, centerY, reach(), size);
        if (window == null) {
            return null;
        }
        int x0 = window.x0();
        int y0 = window.y0();
        int width = window.width();
        int height = window.height();
        float[] alpha = new float[width * height];
        float[] thickness = new float[width * height];
        float[] texture = new float[width * height];
        int visiblePixels = 0;
        int visibleDots = 0;
        if (dots != null) {
            for (Dot dot : dots) {
                if (projection || StrictMath.abs(centerSlice + dot.dz() - slice) <= 0.5) {
                    visibleDots++;
                }
            }
            if (visibleDots < 2) {
                return null;
            }
        }
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        double twist = projection ? 0 : 0.15 * (slice - centerSlice);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double px = x0 + x + 0.5;
                double py = y0 + y + 0.5;
                int k = y * width + x;
                if (dots != null) {
                    double a = 0;
                    for (Dot dot : dots) {
                        if (projection || StrictMath.abs(centerSlice + dot.dz() - slice) <= 0.5) {
                            double d = Draw.length(px - centerX - dot.dx(), py - centerY - dot.dy());
                            a = StrictMath.max(a, Raster.ramp(dot.radius() - d, edge));
                        }
                    }
                    alpha[k] = (float) a;
                    thickness[k] = 1;
                } else {
                    double dx = px - centerX;
                    double dy = py - centerY;
                    double u = dx * cos + dy * sin;
                    double v = (-dx * sin + dy * cos) / elongation;
                    double d = Draw.length(u, v);
                    double theta = StrictMath.atan2(v, u);
                    double boundary = radius * crossSection * lobulation(theta, twist);
                    alpha[k] = (float) Raster.ramp(boundary - d, edge);
                    double t = StrictMath.min(1, d / boundary);
                    thickness[k] = (float) StrictMath.sqrt(1 - t * t);
                    texture[k] = (float) (textureAmplitude
                            * StrictMath.sin(px * 0.9 + texturePhaseX) * StrictMath.sin(py * 0.7 + texturePhaseY));
                }
                if (alpha[k] >= 0.5f) {
                    visiblePixels++;
                }
            }
        }
        if (visiblePixels < minimumPixels) {
            return null;
        }
        return new Coverage(x0, y0, width, height, alpha, thickness, texture);
    }

    private double lobulation(double theta, double twist) {
        double factor = 1;
        for (int k = 0; k < LOBES; k++) {
            factor += lobeAmplitude[k] * StrictMath.cos((k + 2) * theta + lobePhase[k] + twist * (k + 1));
        }
        return factor;
    }
}
