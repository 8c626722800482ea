package org.glean.pacs;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * What Glean asks of a DICOMweb service (PS3.18): find studies (QIDO-RS), retrieve one (WADO-RS),
 * store an instance (STOW-RS).
 */
public interface DicomWebClient {

    /**
     * One page of the studies matching {@code query}.
     *
     * @param offset matches to skip; only with a limit
     * @param limit at most this many matches, or 0 to ask for all without limit and offset
     * @throws DicomWebException when the origin refuses, fails or cannot be reached
     */
    List<StudyMatch> searchStudies(StudyQuery query, int offset, int limit) throws IOException, InterruptedException;

    /**
     * Retrieves every instance of a study as Part-10 bytes, handing each to {@code instances} as
     * it streams in, in the order the origin sends them.
     *
     * @throws DicomWebException when the origin refuses, fails or cannot be reached
     * @throws MalformedMultipartException when the answer breaks off or is not well-formed
     */
    void retrieveStudy(String studyInstanceUid, InstanceConsumer instances) throws IOException, InterruptedException;

    /**
     * Stores one Part-10 instance. A service that answers that it holds the instance already
     * (failure reason 0111H, duplicate SOP instance) counts as having stored it.
     *
     * @throws DicomWebException when the service refuses the instance, fails or cannot be reached
     */
    void store(byte[] part10) throws IOException, InterruptedException;

    /** Takes one retrieved instance; {@code bytes} is valid only during the call. */
    @FunctionalInterface
    interface InstanceConsumer {

        void accept(int index, InputStream bytes) throws IOException;
    }
}
