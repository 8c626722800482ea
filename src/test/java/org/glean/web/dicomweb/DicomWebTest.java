package org.glean.web.dicomweb;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glean.server.LoopbackGrpcTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of the DICOMweb resources: a study of its own, sent once per test class, and a client. */
abstract class DicomWebTest extends LoopbackGrpcTest {

    private static final Map<Class<?>, IngestedStudy> STUDIES = new ConcurrentHashMap<>();

    /** Where the test class's sent files stay until it ends, to compare with what comes back. */
    @TempDir
    static Path sentFiles;

    protected IngestedStudy study;
    protected DicomWebCalls calls;

    @BeforeEach
    void sendStudyOnce() {
        calls = new DicomWebCalls(port);
        study = STUDIES.computeIfAbsent(getClass(), test -> IngestedStudy.send(channel, sentFiles));
    }
}
