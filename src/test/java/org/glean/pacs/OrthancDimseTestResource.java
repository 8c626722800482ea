package org.glean.pacs;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.glean.bench.OrthancProcess;

/**
 * Debian's Orthanc on loopback as the DIMSE source {@code dimse} taking CT studies by C-FIND and
 * C-MOVE. Glean's C-STORE SCP listens on a port chosen here, so that Orthanc knows Glean (AE
 * {@code GLEAN}) as a DICOM node to move studies to. Like {@link OrthancDicomWebTestResource} it
 * polls once at start-up and then only on demand or after a failure, with a short backoff; with the
 * init argument {@code polled=false} the server does not poll it at all, passes run only on demand.
 * With {@code retrieve=c-get} the source retrieves by C-GET and Glean's C-STORE SCP is off: Orthanc
 * knows the AE {@code GLEAN} (its permission to retrieve) at a port where nothing listens.
 */
public class OrthancDimseTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String SOURCE = "dimse";
    public static final String GLEAN_AE_TITLE = "GLEAN";
    static volatile OrthancProcess orthanc;
    private boolean polled = true;
    private String retrieve = "c-move";

    /** The Orthanc now running. */
    public static OrthancProcess orthanc() {
        return orthanc;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        polled = !"false".equals(initArgs.get("polled"));
        retrieve = initArgs.getOrDefault("retrieve", retrieve);
    }

    @Override
    public Map<String, String> start() {
        int gleanDicomPort;
        try {
            gleanDicomPort = OrthancProcess.freePort();
            // Under target/, which the build cleans.
            Path workDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "orthanc-dimse-source");
            orthanc = OrthancProcess.startKnowing(workDir,
                    List.of(new OrthancProcess.Modality(GLEAN_AE_TITLE, "127.0.0.1", gleanDicomPort)));
            orthanc.awaitReady(Duration.ofMinutes(1));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Orthanc", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String prefix = "glean.pacs.sources." + SOURCE + ".";
        return Map.ofEntries(
                Map.entry("glean.scp.port", Integer.toString(gleanDicomPort)),
                Map.entry("glean.scp.ae-title", GLEAN_AE_TITLE),
                Map.entry(prefix + "host", "127.0.0.1"),
                Map.entry(prefix + "port", Integer.toString(orthanc.dicomPort())),
                Map.entry(prefix + "called-ae-title", OrthancProcess.AE_TITLE),
                Map.entry(prefix + "calling-ae-title", GLEAN_AE_TITLE),
                Map.entry(prefix + "query.modality", "CT"),
                Map.entry(prefix + "poll-interval", "1H"),
                Map.entry(prefix + "enabled", Boolean.toString(polled)),
                Map.entry(prefix + "connect-timeout", "2S"),
                Map.entry(prefix + "retrieve", retrieve),
                Map.entry("glean.scp.enabled", Boolean.toString(retrieve.equals("c-move"))),
                Map.entry("glean.pacs.backoff.initial", "200MS"),
                Map.entry("glean.pacs.backoff.max", "1S"));
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
