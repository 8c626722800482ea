package org.glean.curation;

/**
 * A clinician's annotation of a task was committed; fired after the commit, so that what listens
 * (automatic fine-tuning) sees it in the database and cannot undo it.
 */
public record AnnotationSubmitted(long taskId, String studyInstanceUid) {
}
