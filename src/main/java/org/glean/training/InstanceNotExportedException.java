package org.glean.training;

/** No stored instance of a submitted task has the pseudonymous SOPInstanceUID asked for. */
public class InstanceNotExportedException extends Exception {

    public InstanceNotExportedException(String message) {
        super(message);
    }
}
