package org.glean.dicom;

import java.util.List;

/**
 * What a region report (a Comprehensive SR in the pattern of TID 1500) says: whose observations
 * they are — the detector's, by its model version, or a person's — and its objects.
 *
 * @param modelVersion    the model version that found the objects; null for a person's report
 * @param annotator       the user name of the person who drew the boxes; null for the detector's
 * @param informativeness the study's informativeness (method.md §5); null when not known or none
 * @param regions         the objects, in the order they are reported
 */
public record RegionReport(String modelVersion, String annotator, Double informativeness,
                           List<ReportedRegion> regions) {

    public RegionReport {
        if ((modelVersion == null) == (annotator == null)) {
            throw new IllegalArgumentException("a region report is either a model version's or an annotator's");
        }
        regions = List.copyOf(regions);
    }

    /** The detector's objects on a study, under one model version. */
    public static RegionReport ofDetector(String modelVersion, Double informativeness, List<ReportedRegion> regions) {
        return new RegionReport(modelVersion, null, informativeness, regions);
    }

    /** The boxes a person drew. */
    public static RegionReport ofAnnotator(String annotator, List<ReportedRegion> regions) {
        return new RegionReport(null, annotator, null, regions);
    }
}
