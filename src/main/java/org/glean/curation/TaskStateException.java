package org.glean.curation;

/** The task is not in a state that allows the request, e.g. not claimed by the caller; the message says what to do. */
public class TaskStateException extends CurationException {

    public TaskStateException(String message) {
        super(message);
    }
}
