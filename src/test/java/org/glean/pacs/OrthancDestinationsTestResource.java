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
 * Two of Debian's Orthanc on loopback as the PACS destinations: {@code stow}, one with its
 * DICOMweb plugin taking documents by STOW-RS, and {@code dimse}, a plain one taking them by
 * C-STORE on its DICOM port. The outbox looks for due documents every 200 ms and retries after
 * 300 ms doubling up to 1 s, so that a test sees its rounds.
 */
public class OrthancDestinationsTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String STOW = "stow";
    public static final String DIMSE = "dimse";
    static volatile OrthancProcess stowOrthanc;
    static volatile OrthancProcess dimseOrthanc;

    @Override
    public Map<String, String> start() {
        try {
            // Under target/, which the build cleans.
            Path target = Files.createDirectories(Path.of("target"));
            stowOrthanc = OrthancProcess.startWithDicomWeb(Files.createTempDirectory(target, "orthanc-stow"));
            dimseOrthanc = OrthancProcess.start(Files.createTempDirectory(target, "orthanc-dimse"));
            stowOrthanc.awaitReady(Duration.ofMinutes(1));
            dimseOrthanc.awaitReady(Duration.ofMinutes(1));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Orthanc", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of(
                "glean.pacs.destinations." + STOW + ".url", stowOrthanc.dicomWebUrl(),
                "glean.pacs.destinations." + STOW + ".connect-timeout", "1S",
                "glean.pacs.destinations." + STOW + ".request-timeout", "20S",
                "glean.pacs.destinations." + DIMSE + ".host", "127.0.0.1",
                "glean.pacs.destinations." + DIMSE + ".port", Integer.toString(dimseOrthanc.dicomPort()),
                "glean.pacs.destinations." + DIMSE + ".called-ae-title", OrthancProcess.AE_TITLE,
                "glean.pacs.outbox.poll-interval", "200MS",
                "glean.pacs.outbox.backoff.initial", "300MS",
                "glean.pacs.outbox.backoff.max", "1S",
                "glean.pacs.outbox.catch-up.interval", "1H");
    }

    /** Stops the STOW-RS destination, as a PACS going down. */
    static void stopStowOrthanc() throws InterruptedException {
        stowOrthanc.close();
    }

    /** Starts it again on the same ports and storage. */
    static void startStowOrthancAgain() throws IOException, InterruptedException {
        stowOrthanc = stowOrthanc.startAgain();
    }

    @Override
    public void stop() {
        try {
            stowOrthanc.close();
            dimseOrthanc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
