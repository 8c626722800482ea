package org.glean.uncertainty;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Rank statistics that check what an uncertainty tracks: Spearman's ρ against a known driver (noise
 * level) and the AUROC with which it separates two groups (shifted from in-distribution images).
 * Both depend only on the order of the scores, so z-scoring or any other monotone rescaling leaves
 * them unchanged. Ties get their average rank (ρ) or count one half (AUROC). The median, the
 * middle rank, also summarises timings that a disturbed run can inflate.
 */
public final class RankStatistics {

    private RankStatistics() {
    }

    /** The middle value; the mean of the two middle ones for an even count. */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median needs at least one value");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Spearman's rank correlation: Pearson's correlation of the average ranks; NaN when either side is constant. */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("Spearman's rho needs two series of equal length ≥ 2, got "
                    + x.length + " and " + y.length);
        }
        return pearson(averageRanks(x), averageRanks(y));
    }

    /**
     * Area under the ROC curve of {@code scores} for telling {@code positive} items from the rest:
     * the probability that a random positive scores above a random negative (Mann–Whitney U / n₊n₋).
     */
    public static double auroc(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + positive.length + " labels");
        }
        double[] ranks = averageRanks(scores);
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (positive[i]) {
                positiveRankSum += ranks[i];
                positives++;
            }
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUROC needs both groups, got " + positives + " positive and "
                    + negatives + " negative items");
        }
        // ranks start at 1: the positives' own ranks among themselves sum to n₊(n₊+1)/2
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** 1-based ranks in ascending order, tied values sharing the mean of their ranks. */
    static double[] averageRanks(double[] values) {
        for (double v : values) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("cannot rank NaN");
            }
        }
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int from = 0;
        while (from < order.length) {
            int to = from;
            while (to + 1 < order.length && values[order[to + 1]] == values[order[from]]) {
                to++;
            }
            double rank = (from + to) / 2.0 + 1;
            for (int i = from; i <= to; i++) {
                ranks[order[i]] = rank;
            }
            from = to + 1;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        double meanX = Arrays.stream(x).average().orElseThrow();
        double meanY = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
            syy += (y[i] - meanY) * (y[i] - meanY);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
