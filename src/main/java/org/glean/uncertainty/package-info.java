/**
 * Uncertainty and informativeness (method.md §4–5), plain Java with no framework.
 *
 * <p>Per detection: build a {@link org.glean.uncertainty.LocalizationMixture} ({@code [4][K]} arrays)
 * and a {@link org.glean.uncertainty.ClassificationMixture} ({@code [K]}, {@code [K][C+1]}) from the
 * activated head outputs of the detection's anchor, then
 * {@link org.glean.uncertainty.ObjectUncertainty#of} gives its four values. Over a reference pool,
 * {@link org.glean.uncertainty.UncertaintyStatistics#fit} gives the z-score statistics shipped with the
 * model; an {@link org.glean.uncertainty.InformativenessScorer} then scores images and studies.
 */
package org.glean.uncertainty;
