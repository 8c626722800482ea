package org.glean.inference;

import java.util.Optional;

/**
 * A study's analysis and curation's decision were committed; fired after the commit, on the
 * scoring thread, so that what listens (results back to the PACS) finds both stored. An observer's
 * failure does not undo the scoring: observers catch their own.
 *
 * @param scores   the analysis as persisted
 * @param decision curation's decision under the analysis's model version; empty for a study with
 *                 no frame to analyse
 */
public record StudyScored(String studyInstanceUid, StudyScores scores, Optional<StudyDecision> decision) {
}
