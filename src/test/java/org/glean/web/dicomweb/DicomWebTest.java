package org.glean.web.dicomweb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glean.server.LoopbackGrpcTest;
import org.junit.jupiter.api.BeforeEach;

/** A test of the DICOMweb resources: a study of its own, sent once per test class, and a client. */
abstract class DicomWebTest extends LoopbackGrpcTest {

    private static final Map<Class<?>, IngestedStudy> STUDIES = new ConcurrentHashMap<>();

    protected IngestedStudy study;
    protected DicomWebCalls calls;

    @BeforeEach
    void sendStudyOnce() {
        calls = new DicomWebCalls(port);
        study = STUDIES.computeIfAbsent(getClass(), test -> IngestedStudy.send(channel, newFolder()));
    }

    static Path newFolder() {
        try {
            return Files.createTempDirectory("dicomweb");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
