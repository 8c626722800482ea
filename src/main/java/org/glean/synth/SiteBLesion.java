package org.glean.synth;

import java.util.SplittableRandom;

/**
 * One object of site B, in forms site A never draws: a nodule is spiculated (thin straight spikes
 * out of a solid core) or part-solid (a solid core in a fainter ground-glass halo); a mass is cavitated
 * (an air hole off its centre) or deeply lobulated; a calcification cluster is a line of
 * elongated dots. Under the shape shift, nodules and masses become square-ish or rings and
 * calcification dots squares. Sizes are drawn in mm, so that they follow the pixel spacing.
 */
final class SiteBLesion {

    /** How the object is drawn. */
    enum Form { SPICULATED, PART_SOLID, CAVITATED, LOBULATED, LINEAR_DOTS, SQUARE, RING }

    /** One calcification dot: its offset from the centre, its slice offset, half-length along the line and half-width. */
    private record Dot(double dx, double dy, double dz, double length, double width) {
    }

    /** CT value a fill of 0 blends towards: aerated lung, as inside a cavity or a ring. */
    private static final double AIR_LIKE_HU = -900;
    /** The superellipse exponent that makes a disk a square with rounded corners. */
    private static final double SQUARE_EXPONENT = 6;
    private static final int OUTLINE_SAMPLES = 720;
    private static final double MIN_SPIKE_HALF_WIDTH = 0.75;

    final LesionClass lesionClass;
    final Form form;
    final double centerX;
    final double centerY;
    final double centerSlice;
    /** CT: HU of the solid part; DX: density added at its thickest. */
    final double intensity;
    private final boolean ct;
    /** In-plane radius in pixels (the half-length of the line for a calcification cluster). */
    private final double radius;
    private final double halfDepth;
    private final double edge;
    private final double angle;
    private final double elongation;
    /** Outline: harmonics (lobes), as factors of the radius. */
    private final double[] lobeAmplitude = new double[3];
    private final double[] lobePhase = new double[3];
    private final double[] spikeAngle;
    /** Spicules: lengths from the centre as factors of the radius, and half-widths at their base, likewise. */
    private final double[] spikeLength;
    private final double spikeWidth;
    /** Part-solid: the solid core's share of the radius and the halo's fill (share of the solid's contrast). */
    private final double coreShare;
    private final double haloFill;
    /** Cavity or ring: the hole's centre offset (share of the radius) and radius (share of the radius). */
    private final double holeX;
    private final double holeY;
    private final double holeRadius;
    private final Dot[] dots;
    private final double maxOutline;

    /**
     * A new object of {@code lesionClass} at {@code (x, y)} on slice {@code slice}.
     *
     * @param pixelSpacing mm per pixel
     * @param sliceSpacing mm per slice (CT)
     * @param enlargement 1, or the enlarged-objects shift's factor
     * @param unseenShape whether the shape shift applies
     * @param ct whether intensities are HU (CT) or projected density (DX)
     */
    SiteBLesion(LesionClass lesionClass, SplittableRandom random, double x, double y, double slice, double pixelSpacing,
                double sliceSpacing, double enlargement, boolean unseenShape, boolean ct) {
        this.lesionClass = lesionClass;
        this.ct = ct;
        this.centerX = x;
        this.centerY = y;
        this.centerSlice = slice;
        // every form's parameters are drawn whatever the form, so that a shift changes no other draw
        boolean variant = random.nextDouble() < 0.5;
        double shapeDraw = random.nextDouble();
        double radiusMm = enlargement * switch (lesionClass) {
            case NODULE -> Draw.uniform(random, 4, 11);
            case MASS -> Draw.uniform(random, 15, 32);
            case CALCIFICATION -> Draw.uniform(random, 3, 8);
        };
        radius = radiusMm / pixelSpacing;
        halfDepth = radiusMm / sliceSpacing * Draw.uniform(random, 0.8, 1.1);
        angle = Draw.uniform(random, 0, StrictMath.PI);
        elongation = Draw.uniform(random, 0.75, 1);
        for (int k = 0; k < lobeAmplitude.length; k++) {
            lobeAmplitude[k] = Draw.uniform(random, 0.12, 0.25);
            lobePhase[k] = Draw.uniform(random, 0, 2 * StrictMath.PI);
        }
        spikeAngle = new double[Draw.integer(random, 5, 9)];
        spikeLength = new double[spikeAngle.length];
        for (int i = 0; i < spikeAngle.length; i++) {
            spikeAngle[i] = Draw.uniform(random, -StrictMath.PI, StrictMath.PI);
            spikeLength[i] = Draw.uniform(random, 1.3, 2.2);
        }
        spikeWidth = Draw.uniform(random, 0.1, 0.18);
        coreShare = Draw.uniform(random, 0.3, 0.55);
        haloFill = Draw.uniform(random, 0.3, 0.45);
        double holeAngle = Draw.uniform(random, 0, 2 * StrictMath.PI);
        double holeOffset = Draw.uniform(random, 0.1, 0.25);
        double holeDraw = Draw.uniform(random, 0.3, 0.5);
        intensity = switch (lesionClass) {
            case NODULE -> ct ? Draw.uniform(random, 0, 60) : Draw.uniform(random, 180, 320);
            // an enhanced study: masses take up contrast
            case MASS -> ct ? Draw.uniform(random, 70, 120) : Draw.uniform(random, 130, 240);
            case CALCIFICATION -> ct ? Draw.uniform(random, 900, 1600) : Draw.uniform(random, 700, 1100);
        };
        if (lesionClass == LesionClass.CALCIFICATION) {
            form = unseenShape ? Form.SQUARE : Form.LINEAR_DOTS;
            edge = 0.7;
            dots = lineOfDots(random, pixelSpacing);
        } else {
            form = unseenShape ? (shapeDraw < 0.5 ? Form.SQUARE : Form.RING)
                    : lesionClass == LesionClass.NODULE ? (variant ? Form.SPICULATED : Form.PART_SOLID)
                    : (variant ? Form.CAVITATED : Form.LOBULATED);
            edge = lesionClass == LesionClass.MASS ? 1.5 : 0.8;
            dots = null;
        }
        // a cavity sits off the centre; a ring's hole is centred
        boolean cavity = form == Form.CAVITATED;
        holeX = cavity ? holeOffset * StrictMath.cos(holeAngle) : 0;
        holeY = cavity ? holeOffset * StrictMath.sin(holeAngle) : 0;
        holeRadius = form == Form.RING ? 0.55 : cavity ? holeDraw : 0;
        maxOutline = maxOutline();
    }

    /** Dots along a line through the centre, each elongated along it, slightly off the line. */
    private Dot[] lineOfDots(SplittableRandom random, double pixelSpacing) {
        Dot[] line = new Dot[Draw.integer(random, 4, 9)];
        for (int i = 0; i < line.length; i++) {
            double along = radius * Draw.uniform(random, -1, 1);
            double across = radius * Draw.uniform(random, -0.12, 0.12);
            double width = StrictMath.max(0.9, Draw.uniform(random, 0.5, 0.9) / pixelSpacing);
            line[i] = new Dot(along, across, Draw.uniform(random, -1.5, 1.5), width * Draw.uniform(random, 1.5, 2.5),
                    width);
        }
        return line;
    }

    /** The largest distance from the centre that the object reaches in the image plane. */
    double reach() {
        if (dots != null) {
            double longest = 0;
            for (Dot dot : dots) {
                // a square dot's corner is the farthest point of a dot
                longest = StrictMath.max(longest, Draw.length(dot.dx(), dot.dy()) + Draw.length(dot.length(), dot.width()));
            }
            return longest + edge;
        }
        // a square's corners lie √2 · 2^(−1/6) radii out; √2 bounds them
        return radius * maxOutline * (form == Form.SQUARE ? StrictMath.sqrt(2) : 1) + edge;
    }

    /**
     * The object's coverage on slice {@code slice} (CT), or its whole footprint when
     * {@code projection} (DX); null when nothing of it is visible there.
     */
    Coverage coverage(double slice, boolean projection, int size) {
        double crossSection = 1;
        int visibleDots = 0;
        if (dots == null) {
            double dz = projection ? 0 : slice - centerSlice;
            if (StrictMath.abs(dz) >= halfDepth) {
                return null;
            }
            crossSection = StrictMath.sqrt(1 - (dz / halfDepth) * (dz / halfDepth));
            if (radius * crossSection < (lesionClass == LesionClass.MASS ? 4 : 2)) {
                return null;
            }
        } else {
            for (Dot dot : dots) {
                visibleDots += onSlice(dot, slice, projection) ? 1 : 0;
            }
            if (visibleDots < 2) {
                return null;
            }
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
        float[] offset = new float[width * height];
        int inside = 0;
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int k = y * width + x;
                double dx = x0 + x + 0.5 - centerX;
                double dy = y0 + y + 0.5 - centerY;
                double u = dx * cos + dy * sin;
                double v = -dx * sin + dy * cos;
                double fill;
                if (dots != null) {
                    alpha[k] = (float) dotsAlpha(u, v, slice, projection);
                    thickness[k] = 1;
                    fill = 1;
                } else {
                    double scaled = radius * crossSection;
                    double d = form == Form.SQUARE ? Raster.superellipseNorm(u, v / elongation, SQUARE_EXPONENT) : Draw.length(u, v / elongation);
                    double boundary = scaled * outline(StrictMath.atan2(v / elongation, u));
                    alpha[k] = (float) Raster.ramp(boundary - d, edge);
                    double t = StrictMath.min(1, d / boundary);
                    // flatter than a sphere: the edge shows on a projection as a step, not a fade
                    thickness[k] = (float) (0.3 + 0.7 * StrictMath.sqrt(1 - t * t));
                    fill = fill(u / scaled, v / scaled, t);
                    if (form == Form.SPICULATED) {
                        double spike = spikes(u, v, scaled);
                        if (spike > alpha[k]) {
                            // a spicule is a thin strand: little thickness along the beam
                            alpha[k] = (float) spike;
                            thickness[k] = 0.35f;
                        }
                    }
                }
                // CT: the value blended towards; DX: the share of the density added
                offset[k] = (float) (ct ? (fill - 1) * (intensity - AIR_LIKE_HU) : (fill - 1) * intensity * thickness[k]);
                inside += alpha[k] >= 0.5f ? 1 : 0;
            }
        }
        if (inside < (dots == null ? 9 : 2)) {
            return null;
        }
        return new Coverage(x0, y0, width, height, alpha, thickness, offset);
    }

    /** The outline's radius at angle {@code theta}, as a factor of the radius. */
    private double outline(double theta) {
        return switch (form) {
            case LOBULATED -> 1 + lobes(theta, 1);
            case CAVITATED, PART_SOLID -> 1 + lobes(theta, 0.3);
            case SPICULATED -> 0.85 + lobes(theta, 0.3);
            case SQUARE, RING, LINEAR_DOTS -> 1;
        };
    }

    private double lobes(double theta, double strength) {
        double factor = 0;
        for (int k = 0; k < lobeAmplitude.length; k++) {
            factor += strength * lobeAmplitude[k] * StrictMath.cos((k + 2) * theta + lobePhase[k]);
        }
        return factor;
    }

    /** Share of the solid's contrast at {@code (u, v)} in radii, {@code t} of the way to the outline. */
    private double fill(double u, double v, double t) {
        if (holeRadius > 0) {
            double hole = Draw.length(u - holeX, v - holeY);
            return Raster.ramp(hole - holeRadius, 0.12);
        }
        if (form == Form.PART_SOLID) {
            return haloFill + (1 - haloFill) * Raster.ramp(coreShare - t, 0.15);
        }
        return 1;
    }

    private double dotsAlpha(double u, double v, double slice, boolean projection) {
        double a = 0;
        for (Dot dot : dots) {
            if (onSlice(dot, slice, projection)) {
                double along = (u - dot.dx()) / dot.length();
                double across = (v - dot.dy()) / dot.width();
                double d = form == Form.SQUARE ? Raster.superellipseNorm(along, across, SQUARE_EXPONENT) : Draw.length(along, across);
                a = StrictMath.max(a, Raster.ramp((1 - d) * dot.width(), edge));
            }
        }
        return a;
    }

    private boolean onSlice(Dot dot, double slice, boolean projection) {
        return projection || StrictMath.abs(centerSlice + dot.dz() - slice) <= 0.5;
    }

    /**
     * Coverage by the spicules: straight spikes from the centre, {@value #MIN_SPIKE_HALF_WIDTH} px
     * wide at least, so that every pixel a spike touches lies beside one that is inside it (the
     * box is around the inside pixels).
     */
    private double spikes(double u, double v, double scaled) {
        double alpha = 0;
        for (int i = 0; i < spikeAngle.length; i++) {
            double length = spikeLength[i] * scaled;
            double along = u * StrictMath.cos(spikeAngle[i]) + v * StrictMath.sin(spikeAngle[i]);
            double t = StrictMath.max(0, StrictMath.min(1, along / length));
            double across = Draw.length(u - t * length * StrictMath.cos(spikeAngle[i]),
                    v - t * length * StrictMath.sin(spikeAngle[i]));
            double halfWidth = StrictMath.max(MIN_SPIKE_HALF_WIDTH, spikeWidth * scaled * (1 - t));
            alpha = StrictMath.max(alpha, Raster.ramp(halfWidth - across, edge));
        }
        return alpha;
    }

    /** The outline's largest factor (spicules included), sampled finely. */
    private double maxOutline() {
        double max = 0;
        if (form == Form.SPICULATED) {
            for (double length : spikeLength) {
                max = StrictMath.max(max, length + MIN_SPIKE_HALF_WIDTH / radius);
            }
        }
        for (int i = 0; i < OUTLINE_SAMPLES; i++) {
            max = StrictMath.max(max, outline(2 * StrictMath.PI * i / OUTLINE_SAMPLES - StrictMath.PI));
        }
        return max + 0.02;
    }
}
