package org.glean.pacs;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.glean.bench.OrthancProcess;

/**
 * Debian's Orthanc with its DICOMweb plugin on loopback, configured as the PACS source
 * {@code orthanc} taking CT studies. It polls once at start-up and then
 * only on demand or after a failure, with a short backoff, so that a test decides when passes run.
 */
public class OrthancDicomWebTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String SOURCE = "orthanc";
    static volatile OrthancProcess orthanc;
    private Path workDir;

    @Override
    public Map<String, String> start() {
        try {
            // Under target/, which the build cleans.
            workDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "orthanc-dicomweb");
            orthanc = OrthancProcess.startWithDicomWeb(workDir);
            orthanc.awaitReady(Duration.ofMinutes(1));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Orthanc with DICOMweb", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String prefix = "glean.pacs.sources." + SOURCE + ".";
        return Map.of(
                prefix + "url", orthanc.dicomWebUrl(),
                prefix + "query.modality", "CT",
                prefix + "poll-interval", "1H",
                prefix + "connect-timeout", "2S",
                prefix + "request-timeout", "20S",
                "glean.pacs.backoff.initial", "200MS",
                "glean.pacs.backoff.max", "1S");
    }

    /** Stops Orthanc, as a PACS going down. */
    static void stopOrthanc() throws InterruptedException {
        orthanc.close();
    }

    /** Starts it again on the same ports and storage. */
    static void startOrthancAgain() throws IOException, InterruptedException {
        orthanc = orthanc.startAgain();
    }

    @Override
    public void stop() {
        try {
            orthanc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
