package org.glean.curation;

/** The caller's lease on the task ran out: the task went back to the queue, or is about to. */
public class LeaseExpiredException extends TaskStateException {

    public LeaseExpiredException(String message) {
        super(message);
    }
}
