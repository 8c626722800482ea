package org.glean.synth;

import java.util.SplittableRandom;

/**
 * The anatomy of one site B PA chest projection, as projected density (higher is brighter),
 * drawn unlike site A's: a torso that widens downwards with a boxy thickness profile, the upper
 * arms at the sides, lungs narrow at the apex and broad at the base over diaphragm domes, a
 * boot-shaped heart with an aortic knob, a dark trachea, stacked rounded-square vertebrae,
 * posterior and fainter anterior ribs, S-shaped clavicles, vessels that branch in straight
 * segments, and collimator blades that leave bright unexposed margins. {@link #toStoredValues}
 * maps density to 12-bit values through a film-like curve, not site A's linear one.
 */
final class SiteBChestRadiograph {

    /** The largest stored value: 12 bits. */
    static final int MAX_STORED = 4095;
    /** Stored value = {@value #MAX_STORED} · (1 − exp(−(density + {@value #CURVE_TOE}) / {@value #CURVE_SCALE})). */
    private static final double CURVE_TOE = 150;
    private static final double CURVE_SCALE = 1100;
    /** The nominal window, in density. */
    static final double WINDOW_LOW_DENSITY = -100;
    static final double WINDOW_HIGH_DENSITY = 1400;
    /** Density of the unexposed margins outside the collimator blades. */
    private static final double COLLIMATED_DENSITY = 1800;

    private final int size;
    private final double centerX;
    private final double top;
    private final double torsoA;
    private final double lungTop;
    private final double lungBottom;
    private final double[] lungX = new double[2];
    private final double[] lungWidth = new double[2];
    private final double dome;
    private final double heartX;
    private final double heartY;
    private final double heartA;
    private final double heartB;
    private final double[] collimator = new double[4];
    private final long textureSeed;

    SiteBChestRadiograph(SplittableRandom random, int size) {
        this.size = size;
        double mid = size / 2.0;
        centerX = mid + size * Draw.uniform(random, -0.02, 0.02);
        top = mid - size * Draw.uniform(random, 0.4, 0.46);
        torsoA = size * 0.4 * Draw.uniform(random, 0.94, 1.04);
        lungTop = mid - size * Draw.uniform(random, 0.33, 0.37);
        lungBottom = mid + size * Draw.uniform(random, 0.2, 0.26);
        for (int side = 0; side < 2; side++) {
            double sign = side == 0 ? -1 : 1;
            lungX[side] = centerX + sign * size * 0.17 * Draw.uniform(random, 0.96, 1.04);
            lungWidth[side] = size * 0.15 * Draw.uniform(random, 0.92, 1.06);
        }
        dome = size * Draw.uniform(random, 0.04, 0.07);
        heartX = centerX + size * 0.07;
        heartY = lungBottom - size * 0.11;
        heartA = size * 0.16 * Draw.uniform(random, 0.92, 1.1);
        heartB = size * 0.11 * Draw.uniform(random, 0.92, 1.1);
        for (int blade = 0; blade < 4; blade++) {
            collimator[blade] = size * Draw.uniform(random, 0.015, 0.045);
        }
        textureSeed = random.nextLong();
    }

    /** Whether {@code (x, y)} lies in a lung field, at least {@code margin} pixels inside and clear of the heart. */
    boolean inLung(double x, double y, double margin) {
        for (int side = 0; side < 2; side++) {
            if (lungDepth(side, x, y) >= margin
                    && Raster.ellipse(heartX, heartY, heartA + margin, heartB + margin, -0.35, 1e-6).alpha(x, y) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** A uniformly drawn point in the lung fields' bounding box (the caller tests it with {@link #inLung}). */
    double[] pointNearLungs(SplittableRandom random) {
        int side = random.nextDouble() < 0.5 ? 0 : 1;
        return new double[] {
            lungX[side] + Draw.uniform(random, -1, 1) * lungWidth[side],
            Draw.uniform(random, lungTop, lungBottom)};
    }

    /** The projected density of the anatomy, before lesions. */
    Raster render() {
        Raster raster = new Raster(size, 0);
        for (int y = 0; y < size; y++) {
            double t = (y + 0.5 - top) / (size - top);
            double halfWidth = torsoA * (0.88 + 0.14 * StrictMath.min(1, StrictMath.max(0, t)));
            double shoulders = Raster.ramp(y + 0.5 - top, size * 0.05);
            for (int x = 0; x < size; x++) {
                double u = (x + 0.5 - centerX) / halfWidth;
                double body = u * u < 1 ? 620 * StrictMath.pow(1 - u * u * u * u, 0.35) * shoulders : 0;
                double arm = armDensity(x + 0.5, y + 0.5);
                raster.values[y * size + x] = (float) (body + arm);
            }
        }
        for (int side = 0; side < 2; side++) {
            int s = side;
            raster.add((x, y) -> lungThickness(s, x, y), lungX[side], (lungTop + lungBottom) / 2,
                    (lungBottom - lungTop) / 2 + dome, -520);
        }
        // mediastinum with the trachea's air column down to the carina
        raster.add(Raster.ellipse(centerX, lungTop + size * 0.2, size * 0.07, size * 0.3, 0, size * 0.02), centerX,
                lungTop + size * 0.2, size * 0.3, 200);
        raster.add(Raster.ellipse(centerX, lungTop + size * 0.05, size * 0.018, size * 0.17, 0, size * 0.008),
                centerX, lungTop + size * 0.05, size * 0.17, -140);
        raster.add(Raster.ellipse(heartX, heartY, heartA, heartB, -0.35, size * 0.015), heartX, heartY, heartA, 300);
        double knobX = centerX + size * 0.06;
        double knobY = heartY - heartB - size * 0.07;
        raster.add(Raster.disk(knobX, knobY, size * 0.035, size * 0.01), knobX, knobY, size * 0.04, 180);
        drawSpine(raster);
        for (int side = 0; side < 2; side++) {
            drawRibsAndClavicle(raster, side);
            raster.add(vessels(raster, side), 1);
        }
        raster.addSmoothTexture(Draw.stream(textureSeed, 2), 16, 25);
        collimate(raster);
        return raster;
    }

    /** Stored 12-bit values for a density raster, through a saturating, film-like curve. */
    static void toStoredValues(Raster raster) {
        for (int i = 0; i < raster.values.length; i++) {
            raster.values[i] = (float) stored(raster.values[i]);
        }
    }

    /** The stored value of {@code density}. */
    static double stored(double density) {
        return MAX_STORED * (1 - StrictMath.exp(-(density + CURVE_TOE) / CURVE_SCALE));
    }

    /** The upper arms: bands along the image's sides, below the shoulders. */
    private double armDensity(double x, double y) {
        double fromEdge = StrictMath.min(x, size - x);
        double armWidth = size * 0.06;
        if (fromEdge > armWidth || y < top + size * 0.03) {
            return 0;
        }
        double u = 1 - fromEdge / armWidth;
        return 380 * StrictMath.sqrt(StrictMath.max(0, 1 - (2 * u - 1) * (2 * u - 1)));
    }

    /** How far {@code (x, y)} lies inside the lung in pixels (negative outside). */
    private double lungDepth(int side, double x, double y) {
        double sign = side == 0 ? -1 : 1;
        double t = (y - lungTop) / (lungBottom - lungTop);
        if (t <= 0) {
            return t * (lungBottom - lungTop);
        }
        // narrow apex, broad base
        double halfWidth = lungWidth[side] * (0.3 + 0.7 * StrictMath.sqrt(StrictMath.min(1, t)));
        double across = (x - lungX[side]) / lungWidth[side];
        double base = lungBottom + dome * (1 - across * across) - (sign * across > 0 ? 0 : dome * 0.3);
        return StrictMath.min(StrictMath.min(halfWidth - StrictMath.abs(x - lungX[side]), base - y), y - lungTop);
    }

    /** The lung's thickness along the beam, 0..1: deepest in its middle. */
    private double lungThickness(int side, double x, double y) {
        double depth = lungDepth(side, x, y);
        return depth <= 0 ? 0 : StrictMath.sqrt(StrictMath.min(1, depth / (lungWidth[side] * 0.45)));
    }

    private void drawSpine(Raster raster) {
        float[] pedicles = raster.newMask();
        double step = size * 0.05;
        for (double y = top + step; y < size; y += step) {
            raster.add(Raster.superellipse(centerX, y, size * 0.035, step * 0.4, 4, 1.5), centerX, y, size * 0.04, 160);
            for (int side = -1; side <= 1; side += 2) {
                raster.stampDisk(pedicles, centerX + side * size * 0.025, y - step * 0.2, size * 0.008, 1, 1);
            }
        }
        raster.add(pedicles, 70);
    }

    /** Posterior ribs curving laterally and down, fainter anterior ribs curving back medially, and an S-shaped clavicle. */
    private void drawRibsAndClavicle(Raster raster, int side) {
        double sign = side == 0 ? -1 : 1;
        float[] posterior = raster.newMask();
        float[] anterior = raster.newMask();
        double spacing = (lungBottom - lungTop) / 9;
        for (int rib = 0; rib < 10; rib++) {
            double start = lungTop - spacing * 0.4 + rib * spacing;
            for (double t = 0; t <= 1; t += 0.5 / (size * 0.35)) {
                double x = centerX + sign * size * (0.03 + 0.33 * t);
                raster.stampDisk(posterior, x, start - size * 0.05 * StrictMath.sin(StrictMath.PI * t) + size * 0.06 * t,
                        size * 0.009, 1, 1);
                double ax = centerX + sign * size * (0.36 - 0.26 * t);
                raster.stampDisk(anterior, ax, start + size * 0.06 + size * 0.1 * t * t, size * 0.007, 1.5, 1);
            }
        }
        raster.add(posterior, 85);
        raster.add(anterior, 40);
        float[] clavicle = raster.newMask();
        for (double t = 0; t <= 1; t += 0.5 / (size * 0.3)) {
            double y = lungTop + size * (0.02 + 0.025 * StrictMath.sin(2 * StrictMath.PI * t));
            raster.stampDisk(clavicle, centerX + sign * size * (0.035 + 0.28 * t), y, size * 0.012, 1.2, 1);
        }
        raster.add(clavicle, 190);
    }

    /** Vessels from the hilum in straight segments, each splitting in two, fading outwards; inside the lung only. */
    private float[] vessels(Raster raster, int side) {
        float[] marks = raster.newMask();
        SplittableRandom random = Draw.stream(textureSeed, side);
        double sign = side == 0 ? -1 : 1;
        double hilumX = lungX[side] - sign * lungWidth[side] * 0.55;
        double hilumY = (lungTop + lungBottom) / 2;
        for (int trunk = 0; trunk < 6; trunk++) {
            double direction = StrictMath.atan2(Draw.uniform(random, -1.4, 1.4), sign);
            branch(raster, marks, random, side, hilumX, hilumY, direction, size * 0.08, 1.8, 3);
        }
        return marks;
    }

    private void branch(Raster raster, float[] marks, SplittableRandom random, int side, double x, double y,
                        double direction, double length, double radius, int generations) {
        double endX = x + length * StrictMath.cos(direction);
        double endY = y + length * StrictMath.sin(direction);
        for (double t = 0; t <= 1; t += 0.5 / length) {
            double px = x + t * (endX - x);
            double py = y + t * (endY - y);
            if (lungThickness(side, px, py) > 0) {
                raster.stampDisk(marks, px, py, radius * size / 512, 0.8, 40 + 20 * radius);
            }
        }
        if (generations > 0) {
            for (int child = -1; child <= 1; child += 2) {
                branch(raster, marks, random, side, endX, endY, direction + child * Draw.uniform(random, 0.25, 0.5),
                        length * Draw.uniform(random, 0.7, 0.9), radius * 0.7, generations - 1);
            }
        }
    }

    /** The collimator blades: no exposure beyond them, so the margins are bright. */
    private void collimate(Raster raster) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double inside = StrictMath.min(StrictMath.min(x + 0.5 - collimator[0], size - x - 0.5 - collimator[1]),
                        StrictMath.min(y + 0.5 - collimator[2], size - y - 0.5 - collimator[3]));
                raster.values[y * size + x] += (float) (COLLIMATED_DENSITY * (1 - Raster.ramp(inside, 1.5)));
            }
        }
    }
}
