package org.glean.synth;

import java.util.SplittableRandom;

/**
 * Site B's noise, unlike site A's white noise: correlated over neighbouring pixels (CT: a
 * smoother reconstruction kernel; DX: light spread in the scintillator), and on DX quantum-like,
 * its standard deviation growing with the square root of the density. The per-image level keeps
 * its meaning: the standard deviation in HU (CT), or in density units at the reference density (DX).
 */
final class SiteBNoise {

    /** Correlation length in pixels of CT noise. */
    static final double CT_CORRELATION = 1.1;
    /** Correlation length in pixels of DX noise. */
    static final double DX_CORRELATION = 0.8;
    /** DX: the density at which the noise's standard deviation is the level. */
    static final double DX_REFERENCE_DENSITY = 600;
    /** DX: the density below which the noise stops falling (scatter and electronics). */
    private static final double DX_FLOOR_DENSITY = 60;

    private SiteBNoise() {
    }

    /** Adds correlated noise of standard deviation {@code level} HU. */
    static void addCt(Raster raster, SplittableRandom random, double level) {
        if (level <= 0) {
            return;
        }
        float[] noise = raster.correlatedNoise(random, CT_CORRELATION);
        for (int i = 0; i < noise.length; i++) {
            raster.values[i] += (float) (level * noise[i]);
        }
    }

    /** Adds correlated noise whose standard deviation is {@code level · √(density / reference)}. */
    static void addDx(Raster raster, SplittableRandom random, double level) {
        if (level <= 0) {
            return;
        }
        float[] noise = raster.correlatedNoise(random, DX_CORRELATION);
        for (int i = 0; i < noise.length; i++) {
            double density = StrictMath.max(DX_FLOOR_DENSITY, raster.values[i]);
            raster.values[i] += (float) (level * StrictMath.sqrt(density / DX_REFERENCE_DENSITY) * noise[i]);
        }
    }
}
