package org.glean.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The anatomy of one synthetic axial chest CT series, in HU: air, a body ellipse (fat rim, soft
 * tissue ~40 HU), two lungs (~−850 HU) crossed by vessel trees that run through adjacent
 * slices, a heart, a vertebra with spinal canal, rib cross-sections and a sternum. The anatomy is
 * drawn once per series and rendered slice by slice, so a slice and its neighbours agree.
 */
final class ChestCtPhantom {

    static final double LUNG_HU = -850;
    static final double SOFT_TISSUE_HU = 40;
    private static final double AIR_HU = -1000;
    private static final double FAT_HU = -100;
    private static final double VESSEL_HU = 30;
    private static final double HEART_HU = 45;
    /** What contrast enhancement adds to blood at most. */
    private static final double ENHANCED_BLOOD_HU = 220;
    private static final double TABLE_HU = 350;

    /** One point of a vessel's centre line: position in pixels and slices, radius in pixels. */
    private record VesselPoint(double x, double y, double slice, double radius) {
    }

    private final int size;
    private final int slices;
    private final double slicePixels;
    private final double centerX;
    private final double centerY;
    private final double bodyA;
    private final double bodyB;
    private final double fatRim;
    private final double[] lungX = new double[2];
    private final double[] lungY = new double[2];
    private final double[] lungA = new double[2];
    private final double[] lungB = new double[2];
    private final double[] lungAngle = new double[2];
    private final double heartX;
    private final double heartY;
    private final double heartA;
    private final double heartB;
    private final double spineX;
    private final double spineY;
    private final double spineRadius;
    private final double[] ribAngles;
    private final double ribLength;
    private final double ribThickness;
    private final double tissueTextureAmplitude;
    private final List<VesselPoint> vessels = new ArrayList<>();
    private final long textureSeed;
    private final Variation variation;

    /**
     * @param zoom 1 in distribution; otherwise the scale shift's zoom about the image centre
     * @param slicePixels slice spacing in pixels at zoom 1
     */
    ChestCtPhantom(SplittableRandom random, int size, int slices, double zoom, double slicePixels,
                   Variation variation) {
        this.size = size;
        this.variation = variation;
        this.slices = slices;
        this.slicePixels = slicePixels;
        double unit = size * zoom;
        double mid = size / 2.0;
        centerX = mid + unit * Draw.uniform(random, -0.02, 0.02);
        centerY = mid + unit * Draw.uniform(random, 0.0, 0.04);
        bodyA = unit * 0.41 * Draw.uniform(random, 0.94, 1.04);
        bodyB = unit * 0.31 * Draw.uniform(random, 0.94, 1.04);
        fatRim = Draw.uniform(random, 0.05, 0.09);
        for (int side = 0; side < 2; side++) {
            double sign = side == 0 ? -1 : 1;
            lungX[side] = centerX + sign * unit * 0.175 * Draw.uniform(random, 0.96, 1.04);
            lungY[side] = centerY - unit * 0.03;
            lungA[side] = unit * 0.145 * Draw.uniform(random, 0.93, 1.05) * variation.lungScale;
            lungB[side] = unit * 0.215 * Draw.uniform(random, 0.93, 1.05) * variation.lungScale;
            lungAngle[side] = sign * Draw.uniform(random, 0.05, 0.2);
        }
        heartX = centerX + unit * 0.06;
        heartY = centerY + unit * 0.03;
        heartA = unit * 0.12 * Draw.uniform(random, 0.9, 1.1) * variation.heartScale;
        heartB = unit * 0.095 * Draw.uniform(random, 0.9, 1.1) * variation.heartScale;
        spineRadius = unit * 0.05;
        spineX = centerX;
        spineY = centerY + bodyB - spineRadius * 2.6;
        ribAngles = new double[10];
        for (int i = 0; i < 5; i++) {
            double angle = 0.35 + i * 0.5 + Draw.uniform(random, -0.08, 0.08);
            ribAngles[2 * i] = StrictMath.PI / 2 - angle;
            ribAngles[2 * i + 1] = StrictMath.PI / 2 + angle;
        }
        ribLength = unit * 0.035;
        ribThickness = unit * 0.011;
        tissueTextureAmplitude = Draw.uniform(random, 5, 12);
        for (int side = 0; side < 2; side++) {
            growVessels(random, side, unit);
        }
        textureSeed = random.nextLong();
    }

    /** Whether {@code (x, y)} on {@code slice} lies in a lung, at least {@code margin} pixels inside. */
    boolean inLung(double x, double y, double slice, double margin) {
        double lungScale = lungScale(slice);
        for (int side = 0; side < 2; side++) {
            Raster.Field lung = lung(side, lungScale, -margin, 1e-6);
            if (lung.alpha(x, y) >= 1 && Raster.ellipse(heartX, heartY, heartA + margin, heartB + margin, 0, 1e-6)
                    .alpha(x, y) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** A uniformly drawn point in the lungs' bounding box (the caller tests it with {@link #inLung}). */
    double[] pointNearLungs(SplittableRandom random) {
        int side = random.nextDouble() < 0.5 ? 0 : 1;
        return new double[] {
            lungX[side] + Draw.uniform(random, -1, 1) * lungB[side],
            lungY[side] + Draw.uniform(random, -1, 1) * lungB[side]};
    }

    /** Slice spacing in pixels at zoom 1. */
    double slicePixels() {
        return slicePixels;
    }

    /** The anatomy of slice {@code slice} (0-based) in HU, before lesions. */
    Raster render(int slice) {
        Raster raster = new Raster(size, (float) AIR_HU);
        double body = variation.bodyExponent;
        raster.blend(Raster.rounded(centerX, centerY, bodyA, bodyB, body, 0, 1.5), centerX, centerY, bodyA, FAT_HU);
        raster.blend(Raster.rounded(centerX, centerY, bodyA * (1 - fatRim), bodyB * (1 - fatRim), body, 0, 1.5),
                centerX, centerY, bodyA, SOFT_TISSUE_HU);
        if (variation.table) {
            renderTable(raster);
        }
        raster.addSmoothTexture(Draw.stream(textureSeed, slice), 12, tissueTextureAmplitude);
        double lungScale = lungScale(slice);
        for (int side = 0; side < 2; side++) {
            raster.blend(lung(side, lungScale, 0, 1.5), lungX[side], lungY[side], lungB[side], LUNG_HU);
        }
        float[] vesselMask = raster.newMask();
        for (VesselPoint point : vessels) {
            double reachInSlices = point.radius() / slicePixels + 0.5;
            double dz = point.slice() - slice;
            if (StrictMath.abs(dz) < reachInSlices) {
                double r = point.radius() * StrictMath.sqrt(1 - (dz / reachInSlices) * (dz / reachInSlices));
                // thin vessels are partial-volumed: fainter, not thinner than a pixel
                raster.stampDisk(vesselMask, point.x(), point.y(), StrictMath.max(r * variation.vesselWidth, 0.5), 0.8,
                        StrictMath.min(1, 0.35 + r));
            }
        }
        raster.blend(vesselMask, VESSEL_HU + ENHANCED_BLOOD_HU * variation.enhancement);
        raster.blend(Raster.ellipse(heartX, heartY, heartA, heartB, 0.3, 2), heartX, heartY, heartA,
                HEART_HU + ENHANCED_BLOOD_HU * variation.enhancement);
        raster.blend(Raster.disk(spineX, spineY, spineRadius, 1), spineX, spineY, spineRadius, 700);
        raster.blend(Raster.disk(spineX, spineY, spineRadius - 2.2, 1), spineX, spineY, spineRadius, 250);
        double canalY = spineY + spineRadius * 1.45;
        raster.blend(Raster.disk(spineX, canalY, spineRadius * 0.45, 1), spineX, canalY, spineRadius, 15);
        raster.blend(Raster.ellipse(spineX, canalY + spineRadius * 0.7, spineRadius * 0.9, spineRadius * 0.3, 0, 1),
                spineX, canalY, spineRadius * 1.5, 600);
        for (double ribAngle : ribAngles) {
            double angle = ribAngle + 0.03 * slice;
            double ribX = centerX + bodyA * (1 - fatRim * 1.6) * StrictMath.cos(angle);
            double ribY = centerY + bodyB * (1 - fatRim * 1.6) * StrictMath.sin(angle);
            double tangent = StrictMath.atan2(bodyB * StrictMath.cos(angle), -bodyA * StrictMath.sin(angle));
            raster.blend(Raster.ellipse(ribX, ribY, ribLength, ribThickness, tangent, 1), ribX, ribY, ribLength, 650);
        }
        double sternumY = centerY - bodyB * (1 - fatRim * 1.8);
        raster.blend(Raster.ellipse(centerX, sternumY, ribLength * 0.9, ribThickness * 1.2, 0, 1),
                centerX, sternumY, ribLength, 550);
        return raster;
    }

    /** Lung {@code side} scaled by {@code scale} and grown by {@code grow} pixels (negative shrinks). */
    private Raster.Field lung(int side, double scale, double grow, double edge) {
        return Raster.rounded(lungX[side], lungY[side], lungA[side] * scale + grow, lungB[side] * scale + grow,
                variation.lungExponent, lungAngle[side], edge);
    }

    /** A patient table under the body: a band, flat or curved up at its sides. */
    private void renderTable(Raster raster) {
        float[] table = raster.newMask();
        double thickness = size * 0.008;
        double top = centerY + bodyB + size * 0.025;
        for (double x = centerX - bodyA * 1.15; x <= centerX + bodyA * 1.15; x += 0.5) {
            double t = (x - centerX) / bodyA;
            double y = top - variation.tableCurvature * size * 0.06 * t * t;
            raster.stampDisk(table, x, y, thickness, 0.8, 1);
        }
        raster.blend(table, TABLE_HU);
    }

    /** The lungs are widest mid-series and a little smaller towards its ends. */
    private double lungScale(double slice) {
        double t = slices <= 1 ? 0 : slice / (slices - 1.0) - 0.5;
        return 1 - 0.16 * t * t;
    }

    /** Vessel trees from the hilum of one lung outwards, each branch a random walk that also climbs through slices. */
    private void growVessels(SplittableRandom random, int side, double unit) {
        double sign = side == 0 ? -1 : 1;
        double hilumX = lungX[side] - sign * lungA[side] * 0.55;
        double hilumY = lungY[side] + lungB[side] * 0.05;
        int trunks = 14;
        for (int trunk = 0; trunk < trunks; trunk++) {
            double direction = StrictMath.atan2(Draw.uniform(random, -1.2, 1.2), sign);
            double slice = Draw.uniform(random, -2, slices + 1);
            grow(random, side, hilumX, hilumY, slice, direction, unit * 0.0065 * Draw.uniform(random, 0.8, 1.2),
                    unit * 0.35, 2);
        }
    }

    private void grow(SplittableRandom random, int side, double x, double y, double slice, double direction,
                      double radius, double length, int generations) {
        // vessels run obliquely through the slices: mostly dots and short segments in one slice
        double climb = Draw.uniform(random, 0.1, 0.4) * (random.nextDouble() < 0.5 ? -1 : 1);
        double step = 0.6;
        for (double walked = 0; walked < length; walked += step) {
            x += step * StrictMath.cos(direction);
            y += step * StrictMath.sin(direction);
            slice += step * climb;
            direction += Draw.uniform(random, -0.08, 0.08);
            double r = radius * (1 - 0.6 * walked / length);
            if (lung(side, 1, 0, 1e-6).alpha(x, y) <= 0) {
                return;
            }
            vessels.add(new VesselPoint(x, y, slice, r));
            if (generations > 0 && random.nextDouble() < 0.025) {
                grow(random, side, x, y, slice, direction + Draw.uniform(random, -0.9, 0.9), r * 0.75,
                        (length - walked) * 0.8, generations - 1);
            }
        }
    }
}
