package org.glean.curation;

import java.time.Instant;
import org.glean.inference.StudyDecision;

/**
 * What curation decided for one scored study under one model version, with the policy it was
 * decided under.
 *
 * @param taskId the task queued or already open; null for {@link Outcome#NOT_QUEUED}
 */
public record CurationDecision(String studyInstanceUid, String modelVersion, double informativeness,
                               Outcome outcome, String reason, Long taskId, CurationPolicy policy,
                               Instant decidedAt) implements StudyDecision {

    @Override
    public boolean queued() {
        return outcome == Outcome.QUEUED;
    }

    public enum Outcome {
        /** A task was created. */
        QUEUED,
        /** The policy did not select the study; the reason says why. */
        NOT_QUEUED,
        /** The study already had an open task; no second one was created. */
        ALREADY_OPEN
    }
}
