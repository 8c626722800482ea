package org.glean.curation;

/** The task is claimed by another annotator: an annotator works on their own tasks only. */
public class TaskNotYoursException extends TaskStateException {

    public TaskNotYoursException(String message) {
        super(message);
    }
}
