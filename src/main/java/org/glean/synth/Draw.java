package org.glean.synth;

import java.util.SplittableRandom;

/**
 * Random draws built only on {@link SplittableRandom#nextDouble()} and {@link StrictMath}, so
 * that a seed gives the same values on every JDK and platform.
 */
final class Draw {

    private Draw() {
    }

    /** A uniform value in {@code [min, max)}. */
    static double uniform(SplittableRandom random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }

    /** A uniform whole number in {@code [min, max]}. */
    static int integer(SplittableRandom random, int min, int max) {
        return min + (int) StrictMath.floor(random.nextDouble() * (max - min + 1));
    }

    /** A standard normal value (Marsaglia's polar method). */
    static double gaussian(SplittableRandom random) {
        while (true) {
            double u = 2 * random.nextDouble() - 1;
            double v = 2 * random.nextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1) {
                return u * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
            }
        }
    }

    /**
     * {@code sqrt(x² + y²)}: unlike {@code hypot}, cheap, and as reproducible (IEEE square root
     * is exactly rounded); pixel distances never come near overflow.
     */
    static double length(double x, double y) {
        return StrictMath.sqrt(x * x + y * y);
    }

    /** An independent stream for {@code parts} under {@code seed}: the same parts, the same stream. */
    static SplittableRandom stream(long seed, long... parts) {
        long mixed = seed;
        for (long part : parts) {
            mixed = new SplittableRandom(mixed ^ (part * 0x9E3779B97F4A7C15L)).nextLong();
        }
        return new SplittableRandom(mixed);
    }
}
