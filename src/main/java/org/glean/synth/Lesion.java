package org.glean.synth;

import java.util.SplittableRandom;

/**
 * One object of a phantom: a nodule (small round solid), a mass (larger, lobulated, soft-edged
 * solid) or a calcification cluster (tiny very bright dots). It lives in three dimensions for
 * CT — centred on slice {@code centerSlice}, reaching {@code halfDepth} slices either side with
 * a cross-section that shrinks away from the centre — and is seen whole by a projection (DX).
 * A {@link Variation.Form} other than solid changes its appearance: spicules, a ground-glass
 * halo around a solid core, a cavity, ground-glass density throughout, or dots along a line.
 */
final class Lesion {

    /** One calcification dot, relative to the cluster's centre. */
    private record Dot(double dx, double dy, double dz, double radius) {
    }

    private static final int LOBES = 4;
    /** A cavity holds air. */
    private static final double CAVITY_HU = -1000;

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
    private final FormShape form;

    /**
     * The parameters of a form other than solid, all relative to the object's boundary: spikes
     * ({@code count} of them, {@code spikeLength} long), a halo reaching {@code haloRatio} times
     * the boundary at {@code haloLevel} of the object's contrast, a cavity of {@code cavityRatio}
     * the boundary's radius, offset by {@code cavityOffset} of it.
     */
    private record FormShape(Variation.Form form, int count, double spikeLength, double phase, double haloRatio,
                             double haloLevel, double cavityRatio, double cavityOffset, boolean ct) {

        static final FormShape SOLID = new FormShape(Variation.Form.SOLID, 0, 0, 0, 1, 0, 0, 0, true);

        static FormShape draw(Variation.Form form, SplittableRandom random, boolean ct) {
            return new FormShape(form, Draw.integer(random, 7, 13), Draw.uniform(random, 0.25, 0.6),
                    Draw.uniform(random, 0, 2 * StrictMath.PI),
                    form == Variation.Form.PART_SOLID ? Draw.uniform(random, 1.5, 2.2) : 1,
                    Draw.uniform(random, 0.25, 0.45), Draw.uniform(random, 0.3, 0.6), Draw.uniform(random, 0, 0.2), ct);
        }

        /** How far beyond the solid boundary the form reaches, relative to it. */
        double reachFactor() {
            return form == Variation.Form.SPICULATED ? 1 + spikeLength : haloRatio;
        }

        /** The spicules' extension of the boundary at angle {@code theta}: narrow peaks. */
        double spikes(double theta) {
            if (form != Variation.Form.SPICULATED) {
                return 0;
            }
            double peak = StrictMath.max(0, StrictMath.cos(count * theta + phase));
            double squared = peak * peak;
            return spikeLength * squared * squared * squared;
        }
    }

    private Lesion(LesionClass lesionClass, double centerX, double centerY, double centerSlice, double radius,
                   double halfDepth, double edge, double intensity, double textureAmplitude, double lobulation,
                   Dot[] dots, SplittableRandom random, FormShape form) {
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
        this.form = form;
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
        return draw(lesionClass, random, x, y, slice, scale, slicePixels, ct, Variation.NONE, 1);
    }

    /**
     * A new lesion as {@link #draw(LesionClass, SplittableRandom, double, double, double, double, double, boolean)},
     * its form drawn by {@code variation} and its size at site A multiplied by {@code sizeFactor}.
     */
    static Lesion draw(LesionClass lesionClass, SplittableRandom random, double x, double y, double slice,
                       double scale, double slicePixels, boolean ct, Variation variation, double sizeFactor) {
        Variation.Form drawnForm = variation.form(lesionClass);
        FormShape form = drawnForm == Variation.Form.SOLID ? FormShape.SOLID
                : FormShape.draw(drawnForm, variation.formParameters(), ct);
        return switch (lesionClass) {
            case NODULE -> {
                double r = Draw.uniform(random, 4, 12) * sizeFactor;
                yield new Lesion(lesionClass, x, y, slice, r * scale, r / slicePixels * Draw.uniform(random, 0.9, 1.2),
                        1.0, ct ? Draw.uniform(random, 20, 80) : Draw.uniform(random, 150, 300), ct ? 6 : 4,
                        0.05, null, random, form);
            }
            case MASS -> {
                double r = Draw.uniform(random, 15, 35) * sizeFactor;
                double halfDepth = r / slicePixels * Draw.uniform(random, 0.5, 0.8);
                double intensity = ct ? Draw.uniform(random, 10, 50) : Draw.uniform(random, 110, 220);
                if (drawnForm == Variation.Form.GROUND_GLASS) {
                    intensity = ct ? ChestCtPhantom.LUNG_HU + 2 * form.haloLevel() * (intensity - ChestCtPhantom.LUNG_HU)
                            : (0.5 + form.haloLevel()) * intensity;
                }
                yield new Lesion(lesionClass, x, y, slice, r * scale, halfDepth, 3.0 * scale, intensity, ct ? 15 : 10,
                        0.28, null, random, form);
            }
            case CALCIFICATION -> {
                double clusterRadius = Draw.uniform(random, 3, 7) * sizeFactor * scale;
                Dot[] dots = new Dot[Draw.integer(random, 3, 8)];
                double lineAngle = drawnForm == Variation.Form.LINEAR ? Draw.uniform(random, 0, StrictMath.PI) : 0;
                for (int i = 0; i < dots.length; i++) {
                    double a = Draw.uniform(random, 0, 2 * StrictMath.PI);
                    double d = clusterRadius * StrictMath.sqrt(random.nextDouble());
                    double dx = d * StrictMath.cos(a);
                    double dy = d * StrictMath.sin(a);
                    if (drawnForm == Variation.Form.LINEAR) {
                        // along a line through the centre, a little off it
                        double along = clusterRadius * (2.0 * i / (dots.length - 1) - 1);
                        double across = 0.15 * dy;
                        dx = along * StrictMath.cos(lineAngle) - across * StrictMath.sin(lineAngle);
                        dy = along * StrictMath.sin(lineAngle) + across * StrictMath.cos(lineAngle);
                    }
                    dots[i] = new Dot(dx, dy, Draw.uniform(random, -0.9, 0.9),
                            Draw.uniform(random, 0.8, 1.5) * StrictMath.max(1, scale));
                }
                yield new Lesion(lesionClass, x, y, slice, clusterRadius, 1.1, 0.8,
                        ct ? Draw.uniform(random, 1400, 2200) : Draw.uniform(random, 700, 1200), 0, 0, dots, random,
                        form);
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
        return radius * (1 + lobes) * form.reachFactor() + edge;
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
                    double boundary = radius * crossSection * (lobulation(theta, twist) + form.spikes(theta));
                    alpha[k] = (float) Raster.ramp(boundary - d, edge);
                    double t = StrictMath.min(1, d / boundary);
                    thickness[k] = (float) StrictMath.sqrt(1 - t * t);
                    texture[k] = (float) (textureAmplitude
                            * StrictMath.sin(px * 0.9 + texturePhaseX) * StrictMath.sin(py * 0.7 + texturePhaseY));
                    if (form != FormShape.SOLID) {
                        shapeForm(k, alpha, thickness, texture, d, boundary, u, v);
                    }
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

    /**
     * Applies a halo or cavity to pixel {@code k} of a coverage, at distance {@code d} from the
     * centre ({@code (u, v)} in the object's frame) with the solid boundary at {@code boundary}.
     * CT: the texture moves the pixel's value to the halo's or the air's HU; DX: the thickness
     * carries the halo's or cavity's share of the density.
     */
    private void shapeForm(int k, float[] alpha, float[] thickness, float[] texture, double d, double boundary,
                           double u, double v) {
        if (form.form() == Variation.Form.PART_SOLID) {
            double solid = alpha[k];
            double halo = Raster.ramp(boundary * form.haloRatio() - d, edge * 1.5);
            if (halo > solid) {
                double core = solid / halo;
                alpha[k] = (float) halo;
                if (form.ct()) {
                    double haloHu = ChestCtPhantom.LUNG_HU + form.haloLevel() * (intensity - ChestCtPhantom.LUNG_HU);
                    texture[k] = (float) (core * texture[k] + (1 - core) * (haloHu - intensity));
                } else {
                    thickness[k] = (float) (core * thickness[k] + (1 - core) * form.haloLevel());
                }
            }
        } else if (form.form() == Variation.Form.CAVITATED) {
            double cavity = Raster.ramp(boundary * form.cavityRatio() - Draw.length(u - boundary * form.cavityOffset(), v),
                    edge);
            if (cavity > 0) {
                if (form.ct()) {
                    texture[k] = (float) ((1 - cavity) * texture[k] + cavity * (CAVITY_HU - intensity));
                } else {
                    thickness[k] = (float) (thickness[k] * (1 - 0.9 * cavity));
                }
            }
        }
    }

    private double lobulation(double theta, double twist) {
        double factor = 1;
        for (int k = 0; k < LOBES; k++) {
            factor += lobeAmplitude[k] * StrictMath.cos((k + 2) * theta + lobePhase[k] + twist * (k + 1));
        }
        return factor;
    }
}
