package org.glean.synth;

import java.util.SplittableRandom;

/**
 * The appearance drawn for one series: its shift (and the shift's parameters) and the seed of
 * its per-image noise and blur levels. All values are drawn whatever the options, so that
 * changing one knob (say the shift probability) leaves the others' draws as they were.
 */
final class Appearance {

    private final Shift shift;
    private final double zoom;
    private final double gamma;
    private final double textureAmplitude;
    private final double stripePeriod;
    private final double stripeAngle;
    private final double ringPeriod;
    private final double phase;
    private final long levelSeed;
    private final SynthOptions options;

    private Appearance(SplittableRandom random, SynthOptions options) {
        this.options = options;
        boolean shifted = random.nextDouble() < options.shiftProbability();
        double kind = random.nextDouble();
        shift = shifted ? options.shiftKinds().get((int) (kind * options.shiftKinds().size())) : Shift.NONE;
        boolean larger = random.nextDouble() < 0.5;
        double zoomDraw = larger ? Draw.uniform(random, 1.5, 1.8) : Draw.uniform(random, 0.55, 0.7);
        zoom = shift == Shift.SCALE ? zoomDraw : 1;
        boolean brighter = random.nextDouble() < 0.5;
        gamma = brighter ? Draw.uniform(random, 0.45, 0.6) : Draw.uniform(random, 1.8, 2.2);
        textureAmplitude = Draw.uniform(random, 60, 120);
        stripePeriod = Draw.uniform(random, 3, 7);
        stripeAngle = Draw.uniform(random, 0, StrictMath.PI);
        ringPeriod = Draw.uniform(random, 4, 9);
        phase = Draw.uniform(random, 0, 2 * StrictMath.PI);
        levelSeed = random.nextLong();
    }

    static Appearance draw(SplittableRandom random, SynthOptions options) {
        return new Appearance(random, options);
    }

    Shift shift() {
        return shift;
    }

    /** 1 unless the shift is a scale shift. */
    double zoom() {
        return zoom;
    }

    /** Noise (to 0.1) and blur (to 0.01) for image {@code index} of the series, drawn within the options' ranges. */
    PhantomGenerator.ImageLevels levels(int index) {
        return PhantomGenerator.ImageLevels.draw(Draw.stream(levelSeed, index), options);
    }

    /**
     * Applies a contrast or texture shift to a clean image. Contrast: a gamma curve on
     * {@code [low, high]} (values above stay as they are), which changes the relative contrast of
     * tissues and objects so that no linear window undoes it. Texture: stripes plus rings around
     * the image centre, like grid lines and ring artefacts.
     */
    void apply(Raster raster, double low, double high) {
        if (shift == Shift.CONTRAST) {
            double range = high - low;
            for (int i = 0; i < raster.values.length; i++) {
                double t = (raster.values[i] - low) / range;
                if (t < 1) {
                    raster.values[i] = (float) (low + range * StrictMath.pow(StrictMath.max(0, t), gamma));
                }
            }
        } else if (shift == Shift.TEXTURE) {
            double cos = StrictMath.cos(stripeAngle);
            double sin = StrictMath.sin(stripeAngle);
            double mid = raster.size / 2.0;
            for (int y = 0; y < raster.size; y++) {
                for (int x = 0; x < raster.size; x++) {
                    double stripes = StrictMath.sin(2 * StrictMath.PI * (x * cos + y * sin) / stripePeriod + phase);
                    double rings = StrictMath.sin(2 * StrictMath.PI * Draw.length(x - mid, y - mid) / ringPeriod);
                    raster.values[y * raster.size + x] += (float) (textureAmplitude * (stripes + 0.7 * rings));
                }
            }
        }
    }
}
