package org.glean.inference;

import org.glean.ingest.StudyRecord;

/**
 * A study as it was scored, and what was persisted of it: the caller answers from these without
 * reading them back.
 *
 * @param study  the study as stored when it was scored
 * @param scores its analysis, as persisted
 */
public record AnalysedStudy(StudyRecord study, StudyScores scores) {
}
