package org.glean.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Measurements on generated images for the site B tests. */
final class SiteBStatistics {

    /** CT pixels at or below this (air, padding) may have been clamped by the noise. */
    private static final double CT_CLAMPED_BELOW = -950;
    private static final int CT_BIN_HU = 50;
    private static final int CT_BINS = 44;
    private static final int DX_BINS = 32;

    private SiteBStatistics() {
    }

    /** Standard deviation of {@code noisy − clean} over CT pixels that clamping and padding cannot have touched. */
    static double noiseDeviation(float[] noisy, float[] clean) {
        double sum = 0;
        double squares = 0;
        int count = 0;
        for (int i = 0; i < noisy.length; i++) {
            if (clean[i] > CT_CLAMPED_BELOW && clean[i] < 2500) {
                double d = noisy[i] - clean[i];
                sum += d;
                squares += d * d;
                count++;
            }
        }
        double mean = sum / count;
        return Math.sqrt(squares / count - mean * mean);
    }

    /**
     * Correlation of the noise {@code noisy − clean} between horizontal neighbours, over pixels
     * strictly between the stored range's clamps {@code min} and {@code max}, and not air or
     * padding: about 0 for white noise.
     */
    static double lagOneCorrelation(float[] noisy, float[] clean, int size, double min, double max) {
        double sumXY = 0;
        double sumXX = 0;
        double sumYY = 0;
        double sumX = 0;
        double sumY = 0;
        int count = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x + 1 < size; x++) {
                int i = y * size + x;
                if (unclamped(noisy, clean, i, min, max) && unclamped(noisy, clean, i + 1, min, max)) {
                    double a = noisy[i] - clean[i];
                    double b = noisy[i + 1] - clean[i + 1];
                    sumXY += a * b;
                    sumXX += a * a;
                    sumYY += b * b;
                    sumX += a;
                    sumY += b;
                    count++;
                }
            }
        }
        double covariance = sumXY / count - sumX / count * sumY / count;
        double varianceX = sumXX / count - sumX / count * sumX / count;
        double varianceY = sumYY / count - sumY / count * sumY / count;
        return covariance / Math.sqrt(varianceX * varianceY);
    }

    /**
     * Site B DX noise divided by the deviation its model predicts ({@code level · √(density / 600)}
     * in density, through the slope of the stored-value curve), in three bands of density: dark
     * lung, soft tissue, dense mediastinum.
     */
    static double[] dxNormalisedNoiseByBrightness(float[] noisy, float[] clean, double level) {
        double[][] bands = {{100, 400}, {400, 800}, {800, 1400}};
        double[] deviations = new double[bands.length];
        for (int band = 0; band < bands.length; band++) {
            double squares = 0;
            int count = 0;
            for (int i = 0; i < clean.length; i++) {
                double density = density(clean[i]);
                if (density >= bands[band][0] && density < bands[band][1]) {
                    double predicted = level * Math.sqrt(density / SiteBNoise.DX_REFERENCE_DENSITY) * slope(density);
                    double z = (noisy[i] - clean[i]) / predicted;
                    squares += z * z;
                    count++;
                }
            }
            assertThat(count).as("pixels of density %s..%s", bands[band][0], bands[band][1]).isGreaterThan(1000);
            deviations[band] = Math.sqrt(squares / count);
        }
        return deviations;
    }

    /** Site B DX noise in density units at density 200..300 and 850..950. */
    static double[] dxStoredNoiseByDensity(float[] noisy, float[] clean) {
        double[][] bands = {{200, 300}, {850, 950}};
        double[] deviations = new double[bands.length];
        for (int band = 0; band < bands.length; band++) {
            double squares = 0;
            int count = 0;
            for (int i = 0; i < clean.length; i++) {
                double density = density(clean[i]);
                if (density >= bands[band][0] && density < bands[band][1]) {
                    double d = (noisy[i] - clean[i]) / slope(density);
                    squares += d * d;
                    count++;
                }
            }
            deviations[band] = Math.sqrt(squares / count);
        }
        return deviations;
    }

    /**
     * A normalised histogram of pixel values: CT in HU within the reconstruction circle; DX as a
     * share of each image's own range, since the two sites' detectors store differently.
     */
    static double[] histogram(List<SyntheticImage> images, boolean ct) {
        double[] histogram = new double[ct ? CT_BINS : DX_BINS];
        double total = 0;
        for (SyntheticImage image : images) {
            int size = image.size();
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float value : image.pixels()) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            for (int i = 0; i < image.pixels().length; i++) {
                double value = image.pixels()[i];
                int bin;
                if (ct) {
                    double r = Math.hypot(i % size + 0.5 - size / 2.0, i / size + 0.5 - size / 2.0);
                    if (r >= size / 2.0) {
                        continue;
                    }
                    bin = (int) Math.floor((value + CT_BINS * CT_BIN_HU / 2.0) / CT_BIN_HU);
                } else {
                    bin = (int) ((value - min) / (max - min) * DX_BINS);
                }
                histogram[Math.max(0, Math.min(histogram.length - 1, bin))]++;
                total++;
            }
        }
        for (int i = 0; i < histogram.length; i++) {
            histogram[i] /= total;
        }
        return histogram;
    }

    /** Total variation distance between two normalised histograms: 0 alike, 1 disjoint. */
    static double totalVariation(double[] p, double[] q) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += Math.abs(p[i] - q[i]);
        }
        return sum / 2;
    }

    /**
     * Asserts that every box lies inside the image, that every pixel the objects changed by more
     * than {@code invisible} lies in a box (within 2 pixels of its edge), and that every edge of
     * every box has a pixel changed by at least {@code edge} (CT, in HU) or by 2% of the box's
     * largest change (DX).
     */
    static void assertBoxesCoverChanges(SyntheticImage with, SyntheticImage without, int size, double invisible,
                                        boolean ct) {
        float[] difference = PhantomGeneratorTest.difference(with.pixels(), without.pixels());
        for (ObjectBox box : with.boxes()) {
            assertThat(box.x()).isNotNegative();
            assertThat(box.y()).isNotNegative();
            assertThat(box.x() + box.width()).isLessThanOrEqualTo(size);
            assertThat(box.y() + box.height()).isLessThanOrEqualTo(size);
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (Math.abs(difference[y * size + x]) > invisible) {
                    assertThat(insideAny(with.boxes(), x, y, 2))
                            .as("changed pixel (%d, %d) of %s lies in a box", x, y, with.sopInstanceUid()).isTrue();
                }
            }
        }
        for (ObjectBox box : with.boxes()) {
            double inside = maxAbs(difference, size, box.x(), box.y(), box.width(), box.height());
            double edge = ct ? invisible / 2 : 0.02 * inside;
            assertThat(inside).as("%s changes its box", box).isGreaterThan(edge);
            assertThat(maxAbs(difference, size, box.x(), box.y(), box.width(), 1)).as("top edge of %s", box)
                    .isGreaterThanOrEqualTo(edge);
            assertThat(maxAbs(difference, size, box.x(), box.y() + box.height() - 1, box.width(), 1))
                    .as("bottom edge of %s", box).isGreaterThanOrEqualTo(edge);
            assertThat(maxAbs(difference, size, box.x(), box.y(), 1, box.height())).as("left edge of %s", box)
                    .isGreaterThanOrEqualTo(edge);
            assertThat(maxAbs(difference, size, box.x() + box.width() - 1, box.y(), 1, box.height()))
                    .as("right edge of %s", box).isGreaterThanOrEqualTo(edge);
        }
    }

    private static boolean unclamped(float[] noisy, float[] clean, int i, double min, double max) {
        return clean[i] > CT_CLAMPED_BELOW && noisy[i] > min && noisy[i] < max;
    }

    /** The density whose site B stored value is {@code stored}, by bisection of the stored-value curve. */
    private static double density(double stored) {
        double low = -150;
        double high = 20_000;
        for (int i = 0; i < 60; i++) {
            double mid = (low + high) / 2;
            if (SiteBChestRadiograph.stored(mid) < stored) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /** Stored values per unit of density at {@code density}. */
    private static double slope(double density) {
        return SiteBChestRadiograph.stored(density + 0.5) - SiteBChestRadiograph.stored(density - 0.5);
    }

    private static boolean insideAny(List<ObjectBox> boxes, int x, int y, int margin) {
        for (ObjectBox box : boxes) {
            if (x >= box.x() - margin && x < box.x() + box.width() + margin
                    && y >= box.y() - margin && y < box.y() + box.height() + margin) {
                return true;
            }
        }
        return false;
    }

    private static double maxAbs(float[] values, int size, int x0, int y0, int width, int height) {
        double max = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                max = Math.max(max, Math.abs(values[y * size + x]));
            }
        }
        return max;
    }
}
