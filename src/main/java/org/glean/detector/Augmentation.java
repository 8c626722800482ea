package org.glean.detector;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How a training image is varied each time it is drawn, so that the detector learns what stays
 * the same from one site to the next (an object's shape and its contrast with what surrounds it)
 * rather than one scanner's look: mirroring, zoom (with the crop or the border it implies), blur,
 * noise of three kinds and intensity curves. Applied to the preprocessed input ([0, 1], padding
 * 0) in that order — geometry, then the acquisition's blur and noise, then the display curve — with
 * the boxes moved alike. Recorded in the model's manifest with its ranges.
 *
 * <p>A transform is applied with its probability; its strength is drawn from its range (zoom
 * log-uniformly, so that halving and doubling are as likely). A probability of 0 turns it off.
 *
 * @param mirror            probability of a left–right mirror
 * @param zoomProbability   probability of a zoom by a factor in {@code zoom} about a random point
 * @param zoom              zoom factors: below 1 shrinks the image into a border of 0, above 1 crops
 * @param blurProbability   probability of a Gaussian blur with SD in {@code blur} (input pixels)
 * @param blur              blur SD range
 * @param noiseProbability  probability of added noise with SD in {@code noise} (input units), of a
 *                          kind drawn uniformly from {@link NoiseKind}
 * @param noise             noise SD range
 * @param intensityProbability probability of an intensity curve: gamma in {@code gamma}, then a
 *                          contrast factor in {@code contrast} about mid-grey
 * @param gamma             gamma range
 * @param contrast          contrast factor range
 */
public record Augmentation(double mirror, double zoomProbability, Range zoom, double blurProbability, Range blur,
                           double noiseProbability, Range noise, double intensityProbability, Range gamma,
                           Range contrast) {

    /** An inclusive range of a transform's strength. */
    public record Range(double min, double max) {
        public Range {
            if (!(min <= max) || !Double.isFinite(min) || !Double.isFinite(max)) {
                throw new IllegalArgumentException("a range needs finite min ≤ max, got " + min + ":" + max);
            }
        }

        double uniform(Random random) {
            return min + (max - min) * random.nextDouble();
        }

        double logUniform(Random random) {
            return Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * random.nextDouble());
        }
    }

    /**
     * The kinds of noise a site's images carry: white (independent per pixel), correlated (white
     * noise blurred, as after reconstruction filters or detector cross-talk) and signal-dependent
     * (quantum noise: its SD grows with the square root of the signal).
     */
    public enum NoiseKind {
        WHITE, CORRELATED, SIGNAL_DEPENDENT
    }

    /** A box that keeps less than this share of its area inside the image after a zoom is dropped. */
    static final double MIN_VISIBLE_SHARE = 0.5;

    /** Correlated noise is white noise blurred with this SD (pixels). */
    private static final double CORRELATION_SD = 1.5;

    /** Mirroring alone: what models were trained with before domain randomisation. */
    public static final Augmentation MIRROR = new Augmentation(0.5, 0, new Range(1, 1), 0, new Range(0, 0), 0,
            new Range(0, 0), 0, new Range(1, 1), new Range(1, 1));

    /**
     * Mirroring and zoom 0.5–2× only: sites differ in pixel spacing and field of view, so the same
     * finding spans other pixel sizes, while their look is left to the training data.
     */
    public static final Augmentation MIRROR_ZOOM = new Augmentation(0.5, 0.5, new Range(0.5, 2), 0, new Range(0, 0),
            0, new Range(0, 0), 0, new Range(1, 1), new Range(1, 1));

    /**
     * Domain randomisation: zoom 0.5–2×, blur up to 1.5 px, noise up to 0.05 of the input range
     * (100 HU in the CT window), gamma 0.6–1.7 and contrast 0.7–1.3.
     */
    public static final Augmentation DOMAIN_RANDOMISATION = new Augmentation(0.5, 0.5, new Range(0.5, 2), 0.3,
            new Range(0.3, 1.5), 0.6, new Range(0.005, 0.05), 0.6, new Range(0.6, 1.7), new Range(0.7, 1.3));

    public Augmentation {
        for (double p : new double[] {mirror, zoomProbability, blurProbability, noiseProbability, intensityProbability}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("an augmentation probability must be within 0..1, got " + p);
            }
        }
        if (!(zoom.min() > 0) || blur.min() < 0 || noise.min() < 0 || !(gamma.min() > 0) || !(contrast.min() > 0)) {
            throw new IllegalArgumentException("zoom, gamma and contrast must be positive, blur and noise not negative");
        }
    }

    /** One training image varied: a new input and its boxes; boxes that leave the image are dropped. */
    public record Sample(PreprocessedImage input, List<GroundTruthBox> truths) {
    }

    /** {@code input} with {@code truths}, varied by draws from {@code random}. */
    public Sample apply(PreprocessedImage input, List<GroundTruthBox> truths, Random random) {
        int size = input.size();
        float[] pixels = input.pixels();
        List<GroundTruthBox> boxes = truths;
        if (happens(mirror, random)) {
            pixels = mirrored(pixels, size);
            boxes = boxes.stream().map(t -> new GroundTruthBox(
                    new Box(1 - t.box().cx(), t.box().cy(), t.box().w(), t.box().h()), t.label())).toList();
        }
        if (happens(zoomProbability, random)) {
            double factor = zoom.logUniform(random);
            // the offset keeps the zoomed image covering the input (factor > 1) or inside it (< 1)
            double offsetX = (1 - factor) * random.nextDouble();
            double offsetY = (1 - factor) * random.nextDouble();
            pixels = zoomed(pixels, size, factor, offsetX, offsetY);
            boxes = zoomedBoxes(boxes, factor, offsetX, offsetY);
        }
        if (happens(blurProbability, random)) {
            pixels = blurred(pixels, size, blur.uniform(random));
        }
        if (happens(noiseProbability, random)) {
            NoiseKind kind = NoiseKind.values()[random.nextInt(NoiseKind.values().length)];
            pixels = noisy(pixels, size, kind, noise.uniform(random), random);
        }
        if (happens(intensityProbability, random)) {
            pixels = intensityCurve(pixels, gamma.logUniform(random), contrast.uniform(random));
        }
        return new Sample(pixels == input.pixels() ? input : new PreprocessedImage(pixels, size, input.transform()),
                boxes);
    }

    /** Draws only for a transform that is on, so that turning one off leaves the others' draws alone. */
    private static boolean happens(double probability, Random random) {
        return probability > 0 && random.nextDouble() < probability;
    }

    static float[] mirrored(float[] pixels, int size) {
        float[] flipped = new float[pixels.length];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                flipped[r * size + c] = pixels[r * size + size - 1 - c];
            }
        }
        return flipped;
    }

    /**
     * The image scaled by {@code factor} and moved by ({@code offsetX}, {@code offsetY}) in
     * normalised units: input point x goes to {@code x · factor + offsetX}. Bilinear; what falls
     * outside the source is 0.
     */
    static float[] zoomed(float[] pixels, int size, double factor, double offsetX, double offsetY) {
        float[] out = new float[pixels.length];
        for (int v = 0; v < size; v++) {
            double y = ((v + 0.5) / size - offsetY) / factor * size - 0.5;
            for (int u = 0; u < size; u++) {
                double x = ((u + 0.5) / size - offsetX) / factor * size - 0.5;
                out[v * size + u] = bilinear(pixels, size, x, y);
            }
        }
        return out;
    }

    private static float bilinear(float[] pixels, int size, double x, double y) {
        if (x < -0.5 || y < -0.5 || x > size - 0.5 || y > size - 0.5) {
            return 0;
        }
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double top = (1 - fx) * at(pixels, size, x0, y0) + fx * at(pixels, size, x0 + 1, y0);
        double bottom = (1 - fx) * at(pixels, size, x0, y0 + 1) + fx * at(pixels, size, x0 + 1, y0 + 1);
        return (float) ((1 - fy) * top + fy * bottom);
    }

    private static float at(float[] pixels, int size, int x, int y) {
        return pixels[Math.max(0, Math.min(size - 1, y)) * size + Math.max(0, Math.min(size - 1, x))];
    }

    /** Boxes moved as {@link #zoomed} moves the image, cut to it; those mostly outside are dropped. */
    static List<GroundTruthBox> zoomedBoxes(List<GroundTruthBox> truths, double factor, double offsetX, double offsetY) {
        List<GroundTruthBox> moved = new ArrayList<>(truths.size());
        for (GroundTruthBox truth : truths) {
            Box box = truth.box();
            Box scaled = new Box(box.cx() * factor + offsetX, box.cy() * factor + offsetY, box.w() * factor,
                    box.h() * factor);
            Box visible = scaled.clippedToUnit();
            if (visible.w() > 0 && visible.h() > 0 && visible.area() >= MIN_VISIBLE_SHARE * scaled.area()) {
                moved.add(new GroundTruthBox(visible, truth.label()));
            }
        }
        return moved;
    }

    /** Separable Gaussian blur with SD {@code sigma} pixels, edges clamped. */
    static float[] blurred(float[] pixels, int size, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        float[] alongX = new float[pixels.length];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                double v = 0;
                for (int k = -radius; k <= radius; k++) {
                    v += kernel[k + radius] * at(pixels, size, c + k, r);
                }
                alongX[r * size + c] = (float) v;
            }
        }
        float[] out = new float[pixels.length];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                double v = 0;
                for (int k = -radius; k <= radius; k++) {
                    v += kernel[k + radius] * at(alongX, size, c, r + k);
                }
                out[r * size + c] = (float) v;
            }
        }
        return out;
    }

    /**
     * The image with noise of {@code kind} and SD {@code sd} added, clamped to [0, 1]. Correlated
     * noise is white noise blurred (SD 1.5 px) and rescaled to {@code sd}; signal-dependent noise
     * has SD {@code sd · sqrt(value / 0.5)}, so {@code sd} at mid-grey.
     */
    static float[] noisy(float[] pixels, int size, NoiseKind kind, double sd, Random random) {
        float[] field = new float[pixels.length];
        for (int i = 0; i < field.length; i++) {
            field[i] = (float) random.nextGaussian();
        }
        if (kind == NoiseKind.CORRELATED) {
            field = blurred(field, size, CORRELATION_SD);
            double variance = 0;
            for (float f : field) {
                variance += f * f;
            }
            float rescale = (float) (1 / Math.sqrt(variance / field.length));
            for (int i = 0; i < field.length; i++) {
                field[i] *= rescale;
            }
        }
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            double scale = kind == NoiseKind.SIGNAL_DEPENDENT ? sd * Math.sqrt(Math.max(0, pixels[i]) / 0.5) : sd;
            out[i] = clampUnit(pixels[i] + scale * field[i]);
        }
        return out;
    }

    /** {@code 0.5 + contrast · (v^gamma − 0.5)}, clamped to [0, 1]. */
    static float[] intensityCurve(float[] pixels, double gamma, double contrast) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = clampUnit(0.5 + contrast * (Math.pow(Math.max(0, pixels[i]), gamma) - 0.5));
        }
        return out;
    }

    private static float clampUnit(double v) {
        return (float) (v > 0 ? (v < 1 ? v : 1) : 0);
    }
}
