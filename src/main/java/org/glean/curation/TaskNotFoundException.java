package org.glean.curation;

/** No task has the id asked for. */
public class TaskNotFoundException extends CurationException {

    public TaskNotFoundException(long taskId) {
        super("no annotation task " + taskId);
    }
}
