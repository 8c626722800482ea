package org.glean.dicom;

/**
 * A well-formed instance that Glean cannot analyse: its transfer syntax, SOP class or pixel
 * format is outside what the detector takes. The message names the UID concerned; the header
 * is kept so that the instance can still be stored and reported in its series — except for a
 * transfer syntax Glean does not know at all, whose dataset cannot be parsed, where it is null.
 */
public class UnsupportedDicomException extends Exception {

    private final transient DicomHeader header;

    public UnsupportedDicomException(String message, DicomHeader header) {
        super(message);
        this.header = header;
    }

    /** The validated header, or {@code null} when the transfer syntax is unknown. */
    public DicomHeader header() {
        return header;
    }
}
