package org.glean.curation;

import java.util.List;

/** A submission whose boxes or images do not fit the task; names every problem. */
public class InvalidAnnotationException extends CurationException {

    private final List<String> problems;

    public InvalidAnnotationException(long taskId, List<String> problems) {
        super("the annotation of task " + taskId + " is not valid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
