package org.glean.curation;

/** Where an annotation task is in its life. */
public enum TaskState {
    /** Waiting to be claimed. */
    QUEUED,
    /** Leased to an annotator. */
    CLAIMED,
    /** Annotated; done. */
    SUBMITTED,
    /** Given up with a reason, or displaced by the budget; done. */
    SKIPPED,
    /** Its lease ran out; it waits in the queue again. */
    EXPIRED;

    /** Whether the task still counts as the study's open task. */
    public boolean isOpen() {
        return this == QUEUED || this == CLAIMED || this == EXPIRED;
    }
}
