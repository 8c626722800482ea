package org.glean.ingest;

/**
 * An instance that Glean refuses to store: its bytes are not well-formed DICOM, or it does not
 * belong where it was sent. The message says what is wrong in terms the sender can act on and
 * never contains patient data. Nothing of the instance is left behind.
 */
public class InvalidInstanceException extends Exception {

    public InvalidInstanceException(String message) {
        super(message);
    }
}
