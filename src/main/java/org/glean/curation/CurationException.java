package org.glean.curation;

/** A request curation refuses: an unknown task, a task in the wrong state, an invalid annotation. */
public abstract class CurationException extends Exception {

    protected CurationException(String message) {
        super(message);
    }
}
