package org.glean.synth;

import java.util.SplittableRandom;

/**
 * The anatomy of one site B axial chest CT series, in HU, drawn unlike site A's: a contrast-
 * enhanced study (blood pool ≈ 180 HU in the heart chambers and both aortas) of a patient lying
 * on a curved table, with a boxy body (a superellipse, flat at the back), D-shaped lungs that
 * grow from apex to base and are denser where they hang (posterior), with a fine reticular
 * texture and vessels that are straight 3-D segments, a rounded-square vertebral body with its
 * processes, rib arcs, scapulae and a sternum. Outside the reconstruction circle the scanner
 * measured nothing: {@link #PADDING_HU}.
 */
final class SiteBChestCt {

    /** Modality value of pixels outside the reconstruction circle (stored −2000 with intercept −1024). */
    static final double PADDING_HU = -3024;
    private static final double AIR_HU = -1000;
    private static final double FAT_HU = -110;
    private static final double MUSCLE_HU = 50;
    private static final double LUNG_HU = -880;
    /** Posterior lung is denser than anterior by this much (gravity-dependent perfusion). */
    private static final double LUNG_GRADIENT_HU = 110;
    private static final double BLOOD_HU = 180;
    private static final double MYOCARDIUM_HU = 70;
    private static final double LUNG_EXPONENT = 2.5;

    /**
     * A vessel: a straight 3-D segment from {@code (x0, y0, z0)} to {@code (x1, y1, z1)}, thinning
     * outwards; steep through the slices, so each slice shows dots and short strokes of it.
     */
    private record Vessel(double x0, double y0, double z0, double x1, double y1, double z1, double radius) {
    }

    private final int size;
    private final int slices;
    private final double centerX;
    private final double centerY;
    private final double bodyA;
    private final double bodyB;
    private final double bodyExponent;
    private final double fatThickness;
    private final double[] lungX = new double[2];
    private final double lungY;
    private final double[] lungA = new double[2];
    private final double[] lungB = new double[2];
    private final double heartX;
    private final double heartY;
    private final double heartRadius;
    private final double spineY;
    private final double spineHalf;
    private final int ribCount;
    private final double ribPhase;
    private final Vessel[] vessels;
    private final long textureSeed;

    SiteBChestCt(SplittableRandom random, int size, int slices) {
        this.size = size;
        this.slices = slices;
        double mid = size / 2.0;
        centerX = mid + size * Draw.uniform(random, -0.015, 0.015);
        centerY = mid - size * Draw.uniform(random, 0.01, 0.04);
        bodyA = size * 0.39 * Draw.uniform(random, 0.95, 1.03);
        bodyB = size * 0.27 * Draw.uniform(random, 0.95, 1.05);
        bodyExponent = Draw.uniform(random, 2.6, 3.4);
        fatThickness = size * Draw.uniform(random, 0.02, 0.045);
        lungY = centerY - size * 0.02;
        for (int side = 0; side < 2; side++) {
            double sign = side == 0 ? -1 : 1;
            lungX[side] = centerX + sign * size * 0.165 * Draw.uniform(random, 0.96, 1.04);
            lungA[side] = size * 0.125 * Draw.uniform(random, 0.93, 1.05);
            lungB[side] = size * 0.19 * Draw.uniform(random, 0.93, 1.05);
        }
        // the patient's left is the image's right: the heart lies right of the midline
        heartX = centerX + size * 0.05;
        heartY = centerY + size * 0.02;
        heartRadius = size * 0.085 * Draw.uniform(random, 0.92, 1.1);
        spineHalf = size * 0.042;
        spineY = centerY + bodyB - spineHalf * 2.8;
        ribCount = Draw.integer(random, 6, 8);
        ribPhase = Draw.uniform(random, 0, 0.3);
        vessels = new Vessel[36];
        for (int i = 0; i < vessels.length; i++) {
            int side = i % 2;
            double sign = side == 0 ? -1 : 1;
            double direction = Draw.uniform(random, -1.3, 1.3);
            double length = Draw.uniform(random, 0.5, 1.1) * lungB[side];
            double hilumX = lungX[side] - sign * lungA[side] * 0.5;
            double z0 = Draw.uniform(random, -1, slices);
            vessels[i] = new Vessel(hilumX, lungY, z0, hilumX + sign * length * StrictMath.cos(direction),
                    lungY + length * StrictMath.sin(direction), z0 + (random.nextDouble() < 0.5 ? -1 : 1) * Draw.uniform(random, 6, 14),
                    size / 256.0 * Draw.uniform(random, 1.4, 2.4));
        }
        textureSeed = random.nextLong();
    }

    /** Whether {@code (x, y)} on {@code slice} lies in a lung, at least {@code margin} pixels inside. */
    boolean inLung(double x, double y, double slice, double margin) {
        double scale = lungScale(slice);
        for (int side = 0; side < 2; side++) {
            double depth = (1 - lungNorm(side, x, y, scale)) * StrictMath.min(lungA[side], lungB[side]) * scale;
            if (depth >= margin && Draw.length(x - heartX, y - heartY) > heartRadius(slice) * 1.15 + margin) {
                return true;
            }
        }
        return false;
    }

    /** A uniformly drawn point in the lungs' bounding box (the caller tests it with {@link #inLung}). */
    double[] pointNearLungs(SplittableRandom random) {
        int side = random.nextDouble() < 0.5 ? 0 : 1;
        return new double[] {
            lungX[side] + Draw.uniform(random, -1, 1) * lungA[side],
            lungY + Draw.uniform(random, -1, 1) * lungB[side]};
    }

    /** Whether {@code (x, y)} lies inside the reconstruction circle. */
    private boolean inFieldOfView(double x, double y) {
        return Draw.length(x - size / 2.0, y - size / 2.0) < size / 2.0;
    }

    /** The anatomy of slice {@code slice} (0-based) in HU, before lesions, air outside the body. */
    Raster render(int slice) {
        Raster raster = new Raster(size, (float) AIR_HU);
        Raster texture = new Raster(size, 0);
        texture.addSmoothTexture(Draw.stream(textureSeed, slice), 40, 28);
        double scale = lungScale(slice);
        double bodyTop = centerY - bodyB;
        double back = centerY + bodyB * 0.9;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double px = x + 0.5;
                double py = y + 0.5;
                double body = Raster.superellipseNorm((px - centerX) / bodyA, (py - centerY) / bodyB, bodyExponent);
                // the back lies flat on the table
                double inside = StrictMath.min((1 - body) * bodyB, back - py);
                if (inside <= -1) {
                    continue;
                }
                double alpha = Raster.ramp(inside, 1.5);
                // subcutaneous fat is thicker in front
                double fat = fatThickness * (1.4 - 0.8 * (py - bodyTop) / (2 * bodyB));
                double tissue = Raster.ramp(inside - fat, 2) * MUSCLE_HU + (1 - Raster.ramp(inside - fat, 2)) * FAT_HU;
                double value = AIR_HU * (1 - alpha) + tissue * alpha;
                for (int side = 0; side < 2; side++) {
                    double norm = lungNorm(side, px, py, scale);
                    if (norm < 1.05) {
                        double lung = Raster.ramp((1 - norm) * lungA[side] * scale, 1.2);
                        double hanging = (py - (lungY - lungB[side])) / (2 * lungB[side]);
                        double lungValue = LUNG_HU + LUNG_GRADIENT_HU * hanging + texture.values[y * size + x];
                        value = value * (1 - lung) + lungValue * lung;
                    }
                }
                raster.values[y * size + x] = (float) value;
            }
        }
        drawVessels(raster, slice);
        drawHeartAndAortas(raster, slice);
        drawSpine(raster);
        drawRibsAndScapulae(raster, slice);
        double sternumY = bodyTop + fatThickness * 1.6 + size * 0.012;
        raster.blend(Raster.superellipse(centerX, sternumY, size * 0.035, size * 0.012, 4, 1), centerX, sternumY,
                size * 0.04, 500);
        drawTable(raster);
        return raster;
    }

    /** Sets every pixel outside the reconstruction circle to {@link #PADDING_HU}. */
    void padOutsideFieldOfView(Raster raster) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (!inFieldOfView(x + 0.5, y + 0.5)) {
                    raster.values[y * size + x] = (float) PADDING_HU;
                }
            }
        }
    }

    /** The lungs grow from a small apex (first slice) to a broad base (last slice). */
    private double lungScale(double slice) {
        double t = slices <= 1 ? 0.5 : slice / (slices - 1.0);
        return 0.82 + 0.26 * t;
    }

    /** The heart's radius on a slice: it widens towards the base. */
    private double heartRadius(double slice) {
        double t = slices <= 1 ? 0.5 : slice / (slices - 1.0);
        return heartRadius * (0.7 + 0.5 * t);
    }

    /** The lung's superellipse norm at a point: below 1 inside; the medial side is flattened against the mediastinum. */
    private double lungNorm(int side, double x, double y, double scale) {
        double sign = side == 0 ? -1 : 1;
        double u = (x - lungX[side]) / (lungA[side] * scale);
        double v = (y - lungY) / (lungB[side] * scale);
        // medial is towards the midline: squash it so the lung is D-shaped
        double medial = u * sign < 0 ? 1.35 : 1;
        return Raster.superellipseNorm(u * medial, v, LUNG_EXPONENT);
    }

    private void drawVessels(Raster raster, int slice) {
        float[] mask = raster.newMask();
        for (Vessel vessel : vessels) {
            double dz = vessel.z1() - vessel.z0();
            double length = Draw.length(vessel.x1() - vessel.x0(), vessel.y1() - vessel.y0());
            for (double t = 0; t <= 1; t += 0.5 / length) {
                double z = vessel.z0() + t * dz;
                if (StrictMath.abs(z - slice) <= 0.5) {
                    double x = vessel.x0() + t * (vessel.x1() - vessel.x0());
                    double y = vessel.y0() + t * (vessel.y1() - vessel.y0());
                    raster.stampDisk(mask, x, y, vessel.radius() * (1 - 0.65 * t), 0.7, 1);
                }
            }
        }
        raster.blend(mask, BLOOD_HU * 0.8);
    }

    private void drawHeartAndAortas(Raster raster, int slice) {
        double reach = heartRadius(slice);
        raster.blend(Raster.disk(heartX, heartY, reach * 1.15, 1.5), heartX, heartY, reach * 1.2, MYOCARDIUM_HU);
        double leftX = heartX + reach * 0.35;
        double rightX = heartX - reach * 0.4;
        raster.blend(Raster.disk(leftX, heartY + reach * 0.1, reach * 0.55, 1), leftX, heartY, reach, BLOOD_HU);
        raster.blend(Raster.disk(rightX, heartY - reach * 0.15, reach * 0.45, 1), rightX, heartY, reach, BLOOD_HU);
        double aortaRadius = size * 0.028;
        double ascendingY = heartY - reach * 1.1;
        raster.blend(Raster.disk(centerX, ascendingY, aortaRadius, 1), centerX, ascendingY, aortaRadius, BLOOD_HU);
        double descendingX = centerX + spineHalf * 1.6;
        double descendingY = spineY - spineHalf * 1.3;
        raster.blend(Raster.disk(descendingX, descendingY, aortaRadius * 0.85, 1), descendingX, descendingY,
                aortaRadius, BLOOD_HU);
    }

    private void drawSpine(Raster raster) {
        raster.blend(Raster.superellipse(centerX, spineY, spineHalf, spineHalf * 0.9, 4, 1), centerX, spineY,
                spineHalf * 1.2, 600);
        raster.blend(Raster.superellipse(centerX, spineY, spineHalf - 1.8, spineHalf * 0.9 - 1.8, 4, 1), centerX, spineY,
                spineHalf, 220);
        double archY = spineY + spineHalf * 1.6;
        for (int side = -1; side <= 1; side += 2) {
            double processX = centerX + side * spineHalf * 1.3;
            raster.blend(Raster.ellipse(processX, archY, spineHalf * 0.9, spineHalf * 0.3, side * 0.4, 1), processX,
                    archY, spineHalf, 550);
        }
        double spinousY = archY + spineHalf * 0.9;
        raster.blend(Raster.ellipse(centerX, spinousY, spineHalf * 0.25, spineHalf * 0.8, 0, 1), centerX, spinousY,
                spineHalf, 550);
    }

    /** Ribs as short arcs just inside the body wall; they slide along it from slice to slice. Scapulae behind them. */
    private void drawRibsAndScapulae(Raster raster, int slice) {
        float[] ribs = raster.newMask();
        double inset = 1 - (fatThickness + size * 0.02) / bodyB;
        for (int i = 0; i < ribCount; i++) {
            double angle = ribPhase + 0.05 * slice + (i + 0.5) * StrictMath.PI / ribCount;
            for (int side = -1; side <= 1; side += 2) {
                for (double a = angle - 0.09; a <= angle + 0.09; a += 0.01) {
                    double x = centerX + side * bodyA * inset * StrictMath.sin(a);
                    double y = centerY - bodyB * inset * StrictMath.cos(a);
                    raster.stampDisk(ribs, x, y, size * 0.009, 0.8, 1);
                }
            }
        }
        raster.blend(ribs, 650);
        for (int side = -1; side <= 1; side += 2) {
            double x = centerX + side * bodyA * 0.55;
            double y = centerY + bodyB * 0.72;
            raster.blend(Raster.ellipse(x, y, size * 0.1, size * 0.009, side * 0.35, 1), x, y, size * 0.1, 500);
        }
    }

    /** A carbon-fibre table: a thin curved shell below the patient. */
    private void drawTable(Raster raster) {
        float[] table = raster.newMask();
        double top = centerY + bodyB * 0.9 + size * 0.02;
        for (double x = centerX - size * 0.4; x <= centerX + size * 0.4; x += 0.5) {
            double u = (x - centerX) / (size * 0.4);
            raster.stampDisk(table, x, top + size * 0.03 * u * u, size * 0.007, 0.8, 1);
        }
        raster.blend(table, 250);
    }
}
