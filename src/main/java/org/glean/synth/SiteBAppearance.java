package org.glean.synth;

import java.util.SplittableRandom;

/**
 * The appearance drawn for one site B series: its shift (among site B's kinds) with the shift's
 * parameters, and the seed of its per-image noise and blur levels. Every value is drawn whatever
 * the options, so that changing one knob leaves the others' draws as they were.
 */
final class SiteBAppearance {

    private final Shift shift;
    private final double enlargement;
    private final double inversionGamma;
    private final int tiles;
    private final double tileGain;
    private final long tileSeed;
    private final double streakX;
    private final double streakY;
    private final int streaks;
    private final double streakPhase;
    private final double streakAmplitude;
    private final long levelSeed;
    private final SynthOptions options;

    SiteBAppearance(SplittableRandom random, SynthOptions options) {
        this.options = options;
        boolean shifted = random.nextDouble() < options.shiftProbability();
        double kind = random.nextDouble();
        shift = shifted ? options.shiftKinds().get((int) (kind * options.shiftKinds().size())) : Shift.NONE;
        enlargement = Draw.uniform(random, 1.8, 2.4);
        inversionGamma = Draw.uniform(random, 0.7, 1.4);
        tiles = Draw.integer(random, 3, 6);
        tileGain = Draw.uniform(random, 50, 110);
        tileSeed = random.nextLong();
        streakX = Draw.uniform(random, 0.35, 0.65);
        streakY = Draw.uniform(random, 0.35, 0.65);
        streaks = Draw.integer(random, 9, 17);
        streakPhase = Draw.uniform(random, 0, 2 * StrictMath.PI);
        streakAmplitude = Draw.uniform(random, 120, 220);
        levelSeed = random.nextLong();
    }

    Shift shift() {
        return shift;
    }

    /** The factor on object sizes: above 1 only under the enlarged-objects shift. */
    double enlargement() {
        return shift == Shift.ENLARGED ? enlargement : 1;
    }

    /** Whether objects take unseen shapes. */
    boolean unseenShapes() {
        return shift == Shift.SHAPE;
    }

    /** Noise and blur for image {@code index} of the series, drawn within the options' ranges. */
    PhantomGenerator.ImageLevels levels(int index) {
        return PhantomGenerator.ImageLevels.draw(Draw.stream(levelSeed, index), options);
    }

    /**
     * Applies an inversion or artefact shift to a clean image. Inversion: values on
     * {@code [low, high]} mirrored through a gamma curve, so that bright objects turn darker than
     * what surrounds them (in the values: a reader's MONOCHROME1 inversion would undo a tag).
     * Artefact: a detector of {@code tiles × tiles} panels with their own gain offsets and dark
     * seams between them, plus streaks radiating from a point, fading with distance.
     */
    void apply(Raster raster, double low, double high) {
        if (shift == Shift.INVERTED) {
            double range = high - low;
            for (int i = 0; i < raster.values.length; i++) {
                double t = StrictMath.max(0, StrictMath.min(1, (raster.values[i] - low) / range));
                raster.values[i] = (float) (low + range * StrictMath.pow(1 - t, inversionGamma));
            }
        } else if (shift == Shift.ARTEFACT) {
            double[] gains = new double[tiles * tiles];
            SplittableRandom tileRandom = Draw.stream(tileSeed);
            for (int i = 0; i < gains.length; i++) {
                gains[i] = tileGain * Draw.uniform(tileRandom, -1, 1);
            }
            int size = raster.size;
            double tile = (double) size / tiles;
            double sourceX = streakX * size;
            double sourceY = streakY * size;
            for (int y = 0; y < size; y++) {
                int row = StrictMath.min(tiles - 1, (int) (y / tile));
                boolean seamRow = y + 1 < size && (int) ((y + 1) / tile) != (int) (y / tile);
                for (int x = 0; x < size; x++) {
                    int column = StrictMath.min(tiles - 1, (int) (x / tile));
                    boolean seam = seamRow || x + 1 < size && (int) ((x + 1) / tile) != (int) (x / tile);
                    double r = Draw.length(x + 0.5 - sourceX, y + 0.5 - sourceY);
                    double theta = StrictMath.atan2(y + 0.5 - sourceY, x + 0.5 - sourceX);
                    double streak = streakAmplitude * StrictMath.cos(streaks * theta + streakPhase)
                            * StrictMath.exp(-r / (0.3 * size));
                    raster.values[y * size + x] += (float) (gains[row * tiles + column] + streak
                            - (seam ? 1.5 * tileGain : 0));
                }
            }
        }
    }
}
