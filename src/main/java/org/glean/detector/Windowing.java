package org.glean.detector;

/**
 * Maps modality values to network intensities in [0, 1]: values at or below the window's low
 * end become 0, at or above its high end 1, linear in between.
 *
 * <ul>
 *   <li>{@code FIXED}: the window {@code center ± width/2} in modality units (HU for CT) — the
 *       same for every image, so the network sees absolute densities;</li>
 *   <li>{@code PERCENTILE}: from the {@code lowPercentile}-th to the {@code highPercentile}-th
 *       percentile of the image's own values — for modalities without absolute units (DX raw
 *       detector values), robust to a few extreme pixels such as collimator edges or markers;</li>
 *   <li>{@code INSTANCE}: the instance's WindowCenter/WindowWidth when it has them, otherwise
 *       {@code PERCENTILE} with this spec's percentiles.</li>
 * </ul>
 */
public record Windowing(Mode mode, double center, double width, double lowPercentile, double highPercentile) {

    public enum Mode { FIXED, PERCENTILE, INSTANCE }

    public Windowing {
        if (mode == null) {
            throw new IllegalArgumentException("windowing needs a mode");
        }
        if (mode == Mode.FIXED && !(width > 0 && Double.isFinite(center))) {
            throw new IllegalArgumentException("a fixed window needs a finite center and positive width, got "
                    + center + " / " + width);
        }
        if (mode != Mode.FIXED && !(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
            throw new IllegalArgumentException("percentiles need 0 <= low < high <= 100, got "
                    + lowPercentile + " and " + highPercentile);
        }
    }

    public static Windowing fixed(double center, double width) {
        return new Windowing(Mode.FIXED, center, width, 0, 0);
    }

    public static Windowing percentile(double low, double high) {
        return new Windowing(Mode.PERCENTILE, 0, 0, low, high);
    }

    public static Windowing instance(double fallbackLow, double fallbackHigh) {
        return new Windowing(Mode.INSTANCE, 0, 0, fallbackLow, fallbackHigh);
    }

    /**
     * The window's {low, high} ends for an image with these values (only the percentile modes
     * read them) and the instance's own window (NaN when absent).
     */
    double[] range(float[] values, double instanceCenter, double instanceWidth) {
        switch (mode) {
            case FIXED:
                return new double[] {center - width / 2, center + width / 2};
            case INSTANCE:
                if (Double.isFinite(instanceCenter) && instanceWidth > 0) {
                    return new double[] {instanceCenter - instanceWidth / 2, instanceCenter + instanceWidth / 2};
                }
                return percentiles(values);
            default:
                return percentiles(values);
        }
    }

    private double[] percentiles(float[] values) {
        float[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return new double[] {percentile(sorted, lowPercentile), percentile(sorted, highPercentile)};
    }

    /** Linear interpolation between closest ranks. */
    private static double percentile(float[] sorted, double p) {
        double position = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
