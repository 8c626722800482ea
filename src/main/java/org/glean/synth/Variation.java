package org.glean.synth;

import java.util.SplittableRandom;

/**
 * Site A's knobs drawn wider, for training that has to generalise to sites it has never seen
 * (domain randomisation of the generator itself). Each series draws a strength in
 * {@code [0, amount]}; every knob moves away from site A's own value in proportion to it, so a
 * set spans site A's images and ever more varied ones. With amount 0 every knob keeps site A's
 * value exactly and the generator draws nothing from this stream, so site A sets stay byte for
 * byte as they were.
 *
 * <p>What varies: the body and lungs from ellipses to boxier superellipses, the heart's size and
 * density, contrast enhancement of vessels and heart (CT), a patient table (CT), the lungs',
 * ribs' and heart's projected densities, collimator borders and a density curve (DX), correlated
 * and signal-dependent noise, and the objects' forms (spiculated and part-solid nodules,
 * cavitated and ground-glass masses, calcifications along a line). Apart from these, and from a
 * stream of its own, the objects' sizes: see {@link #sizeFactor}.
 */
final class Variation {

    /** A lesion's form: {@link #SOLID} is site A's own for every class. */
    enum Form {
        SOLID, SPICULATED, PART_SOLID, CAVITATED, GROUND_GLASS, LINEAR
    }

    /** Site A's knobs, unchanged. */
    static final Variation NONE = new Variation(null, 0, null, 0);

    private final SplittableRandom forms;
    private final double strength;
    private final SplittableRandom sizes;
    private final double sizeAmount;
    final double bodyExponent;
    final double lungExponent;
    final double lungScale;
    final double heartScale;
    /** 0 for site A's plain CT; up to 1 for a strongly enhanced one. */
    final double enhancement;
    final double vesselWidth;
    final boolean table;
    final double tableCurvature;
    final double dxHeartDensity;
    final double dxLungDensity;
    final double dxRibDensity;
    /** Collimated border as a share of the image side on each edge; 0 for none. */
    final double collimation;
    final double collimatorDensity;
    /** Exponent of the DX density curve; 1 leaves densities as they are. */
    final double densityGamma;
    /** Noise correlation length in pixels; 0 for white noise. */
    final double noiseCorrelation;
    final boolean signalDependentNoise;

    private Variation(SplittableRandom random, double amount, SplittableRandom sizes, double sizeAmount) {
        this.sizes = sizes;
        this.sizeAmount = sizeAmount;
        forms = random;
        strength = random == null ? 0 : Draw.uniform(random, 0, amount);
        double s = strength;
        bodyExponent = 2 + s * draw(random, 0, 1.6);
        lungExponent = 2 + s * draw(random, 0, 1.4);
        lungScale = 1 + s * draw(random, -0.12, 0.12);
        heartScale = 1 + s * draw(random, -0.15, 0.4);
        enhancement = s * draw(random, 0, 1);
        vesselWidth = 1 + s * draw(random, 0, 0.8);
        table = chance(random, 0.6 * s);
        tableCurvature = draw(random, 0, 1);
        dxHeartDensity = 270 * (1 + s * draw(random, -0.4, 0.7));
        dxLungDensity = -500 * (1 + s * draw(random, -0.3, 0.3));
        dxRibDensity = 90 * (1 + s * draw(random, -0.5, 0.9));
        collimation = chance(random, 0.6 * s) ? draw(random, 0.015, 0.08) : 0;
        collimatorDensity = draw(random, 0, 1) < 0.5 ? 0 : draw(random, 900, 1300);
        densityGamma = 1 + s * draw(random, -0.35, 0.45);
        noiseCorrelation = chance(random, 0.6 * s) ? draw(random, 0.6, 1.6) : 0;
        signalDependentNoise = chance(random, 0.6 * s);
    }

    /**
     * The knobs of one series: site A's own when {@code amount} and {@code sizeAmount} are 0. The
     * object sizes come from {@code sizes} alone, so that sets drawn without them stay as they were.
     */
    static Variation draw(SplittableRandom random, double amount, SplittableRandom sizes, double sizeAmount) {
        return amount == 0 && sizeAmount == 0 ? NONE
                : new Variation(amount == 0 ? null : random, amount, sizeAmount == 0 ? null : sizes, sizeAmount);
    }

    /**
     * What the next object of {@code lesionClass} multiplies its size at site A by: log-uniform
     * between halved and doubled (masses at most 1.5×, to stay inside the lungs), the range's
     * exponents times the size amount; 1 without size variation. Another site's objects need not
     * have site A's sizes, and a detector that knows only those misses the others by box size.
     */
    double sizeFactor(LesionClass lesionClass) {
        if (sizes == null) {
            return 1;
        }
        double largest = lesionClass == LesionClass.MASS ? 1.5 : 2;
        return StrictMath.exp(sizeAmount * Draw.uniform(sizes, StrictMath.log(0.5), StrictMath.log(largest)));
    }

    /** The form of the next object of {@code lesionClass}: other than solid with the series' strength as odds. */
    Form form(LesionClass lesionClass) {
        if (forms == null || forms.nextDouble() >= strength) {
            return Form.SOLID;
        }
        Form[] choices = switch (lesionClass) {
            case NODULE -> new Form[] {Form.SPICULATED, Form.PART_SOLID};
            case MASS -> new Form[] {Form.SPICULATED, Form.CAVITATED, Form.GROUND_GLASS};
            case CALCIFICATION -> new Form[] {Form.LINEAR};
        };
        return choices[Draw.integer(forms, 0, choices.length - 1)];
    }

    /** A random stream for the draws of the form's own parameters. */
    SplittableRandom formParameters() {
        return forms.split();
    }

    /**
     * Adds noise of level {@code sigma}: white as at site A, or correlated, and on DX scaled by
     * the square root of the local density (quantum noise), keeping the level at mid density.
     */
    void addNoise(Raster raster, SplittableRandom random, double sigma, boolean projection) {
        if (noiseCorrelation == 0 && !(projection && signalDependentNoise)) {
            raster.addNoise(random, sigma);
            return;
        }
        float[] noise = noiseCorrelation > 0 ? raster.correlatedNoise(random, noiseCorrelation) : white(raster, random);
        for (int i = 0; i < noise.length; i++) {
            double gain = projection && signalDependentNoise
                    ? StrictMath.sqrt(StrictMath.max(0.1, raster.values[i] / 400.0)) : 1;
            raster.values[i] += (float) (sigma * gain * noise[i]);
        }
    }

    /** Bends DX densities on {@code [0, high]} by the series' density curve. */
    void applyDensityCurve(Raster raster, double high) {
        if (densityGamma == 1) {
            return;
        }
        for (int i = 0; i < raster.values.length; i++) {
            double t = raster.values[i] / high;
            if (t > 0 && t < 1) {
                raster.values[i] = (float) (high * StrictMath.pow(t, densityGamma));
            }
        }
    }

    /** Sets the collimated border of a DX density raster to the collimator's density. */
    void collimate(Raster raster) {
        int border = (int) StrictMath.round(collimation * raster.size);
        if (border == 0) {
            return;
        }
        for (int y = 0; y < raster.size; y++) {
            for (int x = 0; x < raster.size; x++) {
                if (x < border || y < border || x >= raster.size - border || y >= raster.size - border) {
                    raster.values[y * raster.size + x] = (float) collimatorDensity;
                }
            }
        }
    }

    private static float[] white(Raster raster, SplittableRandom random) {
        float[] noise = new float[raster.values.length];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) Draw.gaussian(random);
        }
        return noise;
    }

    private static double draw(SplittableRandom random, double min, double max) {
        return random == null ? 0 : Draw.uniform(random, min, max);
    }

    private static boolean chance(SplittableRandom random, double probability) {
        return random != null && random.nextDouble() < probability;
    }
}
