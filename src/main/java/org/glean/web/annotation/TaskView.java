package org.glean.web.annotation;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * An annotation task as the annotator's page shows it: the study's images grouped by series (with
 * the UIDs a WADO-RS URL is built from), the model's proposals with their uncertainties, and why
 * the study was chosen.
 *
 * @param informativeness the study's; null when no image has an object
 * @param leaseExpiresAt  until when the caller holds it (CLAIMED); null otherwise
 * @param serverTime      the server's clock when answered, so that a countdown does not trust the browser's
 * @param classNames      the labels a box may carry
 * @param drivenBy        the detection whose uncertainty chose the study; null when none did
 * @param analysisNote    when the uncertainties cannot be shown, why; null when they can
 */
public record TaskView(long id, String state, String studyInstanceUid, String modelVersion, Double informativeness,
                       Instant leaseExpiresAt, Instant serverTime, List<String> classNames, Driver drivenBy,
                       String analysisNote, List<SeriesView> series) {

    /** One series, its images (frames) in the order of the study. */
    public record SeriesView(String seriesInstanceUid, String modality, int seriesNumber, List<ImageView> images) {
    }

    /**
     * One frame.
     *
     * @param informativeness the frame's; null when it has no object
     */
    public record ImageView(String sopInstanceUid, int instanceNumber, int frame, int rows, int columns,
                            Double informativeness, List<Proposal> proposals) {
    }

    /**
     * One of the model's objects: an editable box on the page.
     *
     * @param uncertainty null when the analysis that proposed it is no longer stored
     */
    public record Proposal(String label, double score, double xmin, double ymin, double xmax, double ymax,
                           Uncertainty uncertainty) {
    }

    /** The four uncertainties (method.md §4), raw and as z-scores against the model's statistics. */
    public record Uncertainty(Kinds raw, Kinds z) {
    }

    /** One value per kind, named as docs/scores.md names them. */
    public record Kinds(@JsonProperty("ep_loc") double epistemicLocalization,
                        @JsonProperty("al_loc") double aleatoricLocalization,
                        @JsonProperty("ep_cls") double epistemicClassification,
                        @JsonProperty("al_cls") double aleatoricClassification) {
    }

    /**
     * The detection behind the study's informativeness.
     *
     * @param objectIndex into the frame's proposals, or -1 for a near miss (not a proposal; its box is here)
     * @param kind        which uncertainty drove it: ep_loc, al_loc, ep_cls or al_cls
     */
    public record Driver(String sopInstanceUid, int frame, int objectIndex, boolean nearMiss, String kind,
                         String label, double score, double xmin, double ymin, double xmax, double ymax,
                         Uncertainty uncertainty) {
    }
}
