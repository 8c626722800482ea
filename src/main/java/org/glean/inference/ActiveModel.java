package org.glean.inference;

import org.glean.detector.Detector;
import org.glean.uncertainty.UncertaintyStatistics;

/**
 * The model version that analyses frames now.
 *
 * @param versionId  its version id
 * @param detector   the loaded network
 * @param statistics its normalisation statistics (calibrated, else the manifest's); null when it has none
 */
public record ActiveModel(String versionId, Detector detector, UncertaintyStatistics statistics) {
}
