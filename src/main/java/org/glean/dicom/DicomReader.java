package org.glean.dicom;

import java.nio.file.Path;

/** Reads DICOM Part-10 files. The one place that knows which toolkit sits underneath. */
public interface DicomReader {

    /**
     * Reads and validates the file meta information and dataset without decoding pixels.
     *
     * @throws MalformedDicomException when the bytes are not a well-formed Part-10 instance
     * @throws UnsupportedDicomException when the instance is well formed but Glean cannot analyse
     *     it (transfer syntax, SOP class or pixel format); the header is still carried
     */
    DicomHeader readHeader(Path part10) throws MalformedDicomException, UnsupportedDicomException;

    /** Reads, validates and decodes every frame; the same failures as {@link #readHeader}. */
    DecodedImage decode(Path part10) throws MalformedDicomException, UnsupportedDicomException;
}
