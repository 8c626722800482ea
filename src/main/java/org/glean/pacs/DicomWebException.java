package org.glean.pacs;

import java.io.IOException;

/**
 * A DICOMweb origin refused, failed or could not be reached. The message says what happened and
 * what to do, without patient data or UIDs.
 */
public class DicomWebException extends IOException {

    private final int httpStatus;

    public DicomWebException(String message, int httpStatus) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public DicomWebException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
    }

    /** The HTTP status the origin answered, or 0 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }
}
