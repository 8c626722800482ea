package org.glean.inference;

import java.util.Optional;
import org.glean.curation.CurationDecision;
import org.glean.ingest.StudyRecord;

/**
 * A study as it was scored, and what was persisted of it: the caller answers from these without
 * reading them back.
 *
 * @param study    the study as stored when it was scored
 * @param scores   its analysis, as persisted
 * @param decision curation's decision under the analysis's model version; empty for a study with
 *                 no frame to analyse
 */
public record AnalysedStudy(StudyRecord study, StudyScores scores, Optional<CurationDecision> decision) {
}
