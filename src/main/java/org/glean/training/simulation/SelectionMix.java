package org.glean.training.simulation;

import java.util.List;
import java.util.Locale;
import org.glean.training.PreprocessedDataset;

/**
 * What a strategy spent one cycle's budget on, from the metadata {@code glean synth} records
 * (noise level, appearance shift) and the oracle's boxes: how many of the selected images hold no
 * finding, how many are shifted, and their mean noise. The strategies never see any of it; it is
 * logged to show whether a selection reaches the pool's difficult minority.
 *
 * @param meanNoise mean noise level over the selected images that record one; NaN when none does
 */
public record SelectionMix(int images, int withoutFindings, int shifted, double meanNoise) {

    /** Nothing selected: the initial model's cycle, or a result recorded before selections were. */
    public static final SelectionMix NONE = new SelectionMix(0, 0, 0, Double.NaN);

    /** Both selections together; the mean noise is weighted by the images of each that has one. */
    public SelectionMix plus(SelectionMix other) {
        double noise = Double.isNaN(meanNoise) ? other.meanNoise
                : Double.isNaN(other.meanNoise) ? meanNoise
                : (meanNoise * images + other.meanNoise * other.images) / (images + other.images);
        return new SelectionMix(images + other.images, withoutFindings + other.withoutFindings,
                shifted + other.shifted, noise);
    }

    public static SelectionMix of(List<PreprocessedDataset.Item> selected) {
        int withoutFindings = 0;
        int shifted = 0;
        double noiseSum = 0;
        int withNoise = 0;
        for (PreprocessedDataset.Item item : selected) {
            if (item.truths().isEmpty()) {
                withoutFindings++;
            }
            if (item.metadata() != null && item.metadata().shift() != null && !"none".equals(item.metadata().shift())) {
                shifted++;
            }
            if (item.metadata() != null && item.metadata().noise() != null) {
                noiseSum += item.metadata().noise();
                withNoise++;
            }
        }
        return new SelectionMix(selected.size(), withoutFindings, shifted,
                withNoise == 0 ? Double.NaN : noiseSum / withNoise);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "selected %d: %d without findings, %d shifted, mean noise %.1f", images,
                withoutFindings, shifted, meanNoise);
    }
}
