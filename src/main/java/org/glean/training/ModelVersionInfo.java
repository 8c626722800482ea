package org.glean.training;

import java.time.Instant;
import java.util.List;

/**
 * A model version as ListModels shows it.
 *
 * @param parentVersion   the version it was fine-tuned from; null for one installed by hand
 * @param validationMap   held-out mAP@0.5 from the job that made it; null for one installed by hand
 * @param trainingAnnotations submitted annotations the job that made it trained and validated on;
 *                        null for one installed by hand, or made before Glean recorded it
 * @param candidateReason why the gate kept it a candidate; null for any other state
 * @param retiredAt       when it stopped being current; null unless RETIRED
 */
public record ModelVersionInfo(String versionId, State state, String source, String parentVersion,
                               Double validationMap, Integer trainingAnnotations, String candidateReason,
                               boolean rolledBack, List<String> classes,
                               Instant registeredAt, Instant retiredAt) {

    public enum State {
        /** Scores every study now. */
        CURRENT,
        /** Never current. */
        CANDIDATE,
        /** Was current, and was replaced. */
        RETIRED
    }

    public ModelVersionInfo {
        classes = List.copyOf(classes);
    }
}
