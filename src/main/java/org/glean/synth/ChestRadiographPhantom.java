package org.glean.synth;

import java.util.SplittableRandom;

/**
 * The anatomy of one synthetic PA chest projection, as projected density (HU-like units summed
 * along the beam; higher is brighter): a body whose thickness falls off to the sides, two dark
 * lung fields with vessel markings fanning out from the hila, mediastinum and heart, spine,
 * posterior ribs and clavicles. {@link #toStoredValues} maps density to 16-bit unsigned values.
 */
final class ChestRadiographPhantom {

    /** Stored value of zero density. */
    static final double OFFSET = 1000;
    /** Stored values per unit of density. */
    static final double GAIN = 10;
    /** The nominal window, in density: the DICOM window is fixed, not fitted to each image. */
    static final double WINDOW_CENTER_DENSITY = 600;
    static final double WINDOW_WIDTH_DENSITY = 1400;

    private final int size;
    private final double centerX;
    private final double bodyA;
    private final double top;
    private final double[] lungX = new double[2];
    private final double lungY;
    private final double[] lungA = new double[2];
    private final double[] lungB = new double[2];
    private final double unit;
    private final long textureSeed;
    private final Variation variation;

    ChestRadiographPhantom(SplittableRandom random, int size, double zoom, Variation variation) {
        this.size = size;
        this.variation = variation;
        unit = size * zoom;
        double mid = size / 2.0;
        centerX = mid + unit * Draw.uniform(random, -0.02, 0.02);
        bodyA = unit * 0.47 * Draw.uniform(random, 0.94, 1.04);
        top = mid - unit * 0.44;
        lungY = mid - unit * Draw.uniform(random, 0.05, 0.08);
        for (int side = 0; side < 2; side++) {
            double sign = side == 0 ? -1 : 1;
            lungX[side] = centerX + sign * unit * 0.2 * Draw.uniform(random, 0.96, 1.04);
            lungA[side] = unit * 0.165 * Draw.uniform(random, 0.92, 1.05) * variation.lungScale;
            lungB[side] = unit * 0.31 * Draw.uniform(random, 0.92, 1.05) * variation.lungScale;
        }
        textureSeed = random.nextLong();
    }

    /** Whether {@code (x, y)} lies in a lung field, at least {@code margin} pixels inside and clear of the heart. */
    boolean inLung(double x, double y, double margin) {
        for (int side = 0; side < 2; side++) {
            if (Raster.rounded(lungX[side], lungY, lungA[side] - margin, lungB[side] - margin, variation.lungExponent, 0,
                    1e-6).alpha(x, y) >= 1
                    && heart(margin).alpha(x, y) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** A uniformly drawn point in the lung fields' bounding box (the caller tests it with {@link #inLung}). */
    double[] pointNearLungs(SplittableRandom pick) {
        int side = pick.nextDouble() < 0.5 ? 0 : 1;
        return new double[] {
            lungX[side] + Draw.uniform(pick, -1, 1) * lungA[side],
            lungY + Draw.uniform(pick, -1, 1) * lungB[side]};
    }

    /** The projected density of the anatomy, before lesions. */
    Raster render() {
        Raster raster = new Raster(size, 0);
        for (int y = 0; y < size; y++) {
            double shoulders = Raster.ramp(y + 0.5 - top, unit * 0.03);
            for (int x = 0; x < size; x++) {
                double u = (x + 0.5 - centerX) / bodyA;
                if (u * u < 1) {
                    raster.values[y * size + x] = (float) (650 * StrictMath.sqrt(1 - u * u) * shoulders);
                }
            }
        }
        double mediastinumY = lungY + unit * 0.02;
        raster.add(Raster.ellipse(centerX, mediastinumY, unit * 0.085, unit * 0.42, 0, unit * 0.03),
                centerX, mediastinumY, unit * 0.42, 230);
        for (int side = 0; side < 2; side++) {
            int s = side;
            raster.add((x, y) -> lungThickness(s, x, y), lungX[side], lungY, lungB[side], variation.dxLungDensity);
        }
        Raster.Field heart = heart(0);
        double heartX = centerX + unit * 0.06;
        double heartY = lungY + unit * 0.2;
        raster.add(heart, heartX, heartY, unit * 0.18 * variation.heartScale, variation.dxHeartDensity);
        float[] spine = raster.newMask();
        for (double y = top; y < size; y += unit * 0.055) {
            raster.stampDisk(spine, centerX, y, unit * 0.032, unit * 0.012, 1);
        }
        raster.add(spine, 150);
        for (int side = 0; side < 2; side++) {
            double sign = side == 0 ? -1 : 1;
            float[] ribs = raster.newMask();
            for (int rib = 0; rib < 9; rib++) {
                double ribTop = lungY - lungB[side] * 0.95 + rib * unit * 0.066;
                for (double t = 0; t <= 1; t += 0.5 / (unit * 0.4)) {
                    double x = centerX + sign * unit * (0.035 + 0.4 * t);
                    double y = ribTop + unit * (0.05 * t + 0.12 * t * t - 0.02 * StrictMath.sin(StrictMath.PI * t));
                    raster.stampDisk(ribs, x, y, unit * 0.011, 1.2, 1);
                }
            }
            raster.add(ribs, variation.dxRibDensity);
            float[] clavicle = raster.newMask();
            for (double t = 0; t <= 1; t += 0.5 / (unit * 0.3)) {
                raster.stampDisk(clavicle, centerX + sign * unit * (0.04 + 0.28 * t),
                        top + unit * (0.14 - 0.05 * t), unit * 0.014, 1.2, 1);
            }
            raster.add(clavicle, 200);
            raster.add(vesselMarkings(raster, side), 1);
        }
        raster.addSmoothTexture(Draw.stream(textureSeed, 2), 10, 20);
        return raster;
    }

    /** Stored values (16-bit unsigned) for a density raster. */
    static void toStoredValues(Raster raster) {
        for (int i = 0; i < raster.values.length; i++) {
            raster.values[i] = (float) (OFFSET + GAIN * raster.values[i]);
        }
    }

    private Raster.Field heart(double margin) {
        double scale = variation.heartScale;
        return Raster.ellipse(centerX + unit * 0.06, lungY + unit * 0.2, unit * 0.17 * scale + margin,
                unit * 0.13 * scale + margin, -0.15, unit * 0.02);
    }

    /** The lung's thickness along the beam, 0..1: deepest in its middle. */
    private double lungThickness(int side, double x, double y) {
        double u = (x - lungX[side]) / lungA[side];
        double v = (y - lungY) / lungB[side];
        double exponent = variation.lungExponent;
        double rho = exponent == 2 ? u * u + v * v : StrictMath.pow(Raster.superellipseNorm(u, v, exponent), 2);
        return rho >= 1 ? 0 : StrictMath.sqrt(1 - rho);
    }

    /** Vessel markings fanning out from the hilum, fading towards the periphery, inside the lung only. */
    private float[] vesselMarkings(Raster raster, int side) {
        double sign = side == 0 ? -1 : 1;
        float[] marks = raster.newMask();
        SplittableRandom random = Draw.stream(textureSeed, side);
        double hilumX = lungX[side] - sign * lungA[side] * 0.6;
        double hilumY = lungY + lungB[side] * 0.1;
        for (int branch = 0; branch < 14; branch++) {
            double direction = StrictMath.atan2(Draw.uniform(random, -1.5, 1.3), sign);
            double x = hilumX;
            double y = hilumY;
            double length = lungB[side] * Draw.uniform(random, 0.5, 1.0);
            for (double walked = 0; walked < length; walked += 0.7) {
                x += 0.7 * StrictMath.cos(direction);
                y += 0.7 * StrictMath.sin(direction);
                direction += Draw.uniform(random, -0.1, 0.1);
                double fade = 1 - walked / length;
                if (lungThickness(side, x, y) > 0) {
                    raster.stampDisk(marks, x, y, 0.5 + 1.2 * fade, 0.8, 25 + 55 * fade);
                }
            }
        }
        return marks;
    }
}
