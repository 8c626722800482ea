package org.glean.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads DICOM Part-10 files, and writes de-identified copies of them. The one place that knows
 * which toolkit sits underneath.
 */
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

    /**
     * Reads, validates and decodes the frames numbered {@code frameNumbers} (from 1, in the order
     * given, repeats allowed) as stored values, for viewers; the same failures as {@link #readHeader}.
     *
     * @throws IllegalArgumentException when a number is not 1 to NumberOfFrames
     */
    NativeFrames readNativeFrames(Path part10, List<Integer> frameNumbers)
            throws MalformedDicomException, UnsupportedDicomException;

    /**
     * The dataset, File Meta Information and Pixel Data aside, in the DICOM JSON model of PS3.18
     * §F.2, as maps and lists for a JSON writer; binary values over 1 KiB are left out. Reads
     * instances Glean cannot decode too.
     *
     * @throws MalformedDicomException when the bytes are not a well-formed Part-10 instance
     * @throws UnsupportedDicomException when Glean cannot read the instance's transfer syntax
     */
    Map<String, Object> readMetadata(Path part10) throws MalformedDicomException, UnsupportedDicomException;

    /**
     * Writes a de-identified copy of the instance to {@code out}: {@link ConfidentialityProfile}
     * applied, UIDs replaced by {@code pseudonyms}, new File Meta Information, Explicit VR Little
     * Endian with Pixel Data uncompressed. Pixel Data is copied as it is: burned-in text stays.
     *
     * @throws MalformedDicomException when the bytes are not a well-formed Part-10 instance
     * @throws UnsupportedDicomException when Glean cannot read the instance's transfer syntax
     * @throws IOException when {@code out} cannot be written
     */
    void writeDeidentified(Path part10, OutputStream out, UidPseudonyms pseudonyms)
            throws MalformedDicomException, UnsupportedDicomException, IOException;
}
