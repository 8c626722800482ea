package org.glean.uncertainty;

/** How an image's four per-kind maxima become its informativeness (method.md §5.3). */
public enum ImageAggregation {
    /** The largest of the four z-scores (patent and reference code; the default). */
    MAX,
    /** The mean of the four z-scores (patent option). */
    MEAN
}
