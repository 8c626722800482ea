package org.glean.dicom;

import java.io.IOException;

/**
 * A DICOM peer could not be reached, refused the association, or answered a DIMSE request with a
 * failure. The message names the peer and the status, never the data asked about.
 */
public class DimseException extends IOException {

    public DimseException(String message) {
        super(message);
    }

    public DimseException(String message, Throwable cause) {
        super(message, cause);
    }
}
