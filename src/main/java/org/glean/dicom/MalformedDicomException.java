package org.glean.dicom;

/**
 * The bytes are not a well-formed DICOM Part-10 instance. The message says what is wrong in
 * terms a sender can act on and never contains patient data.
 */
public class MalformedDicomException extends Exception {

    public MalformedDicomException(String message) {
        super(message);
    }

    public MalformedDicomException(String message, Throwable cause) {
        super(message, cause);
    }
}
