package org.glean.inference;

/**
 * What became of a scored study, as much as the layers below curation need to know: whether it was
 * queued for annotation, and as which task, for what reason. Curation's decision is one.
 */
public interface StudyDecision {

    /** Whether a task was created for the study. */
    boolean queued();

    /** The task queued or already open; null when there is none. */
    Long taskId();

    /** Why, in words a curator reads. */
    String reason();
}
