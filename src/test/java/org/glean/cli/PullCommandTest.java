package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.bench.OrthancProcess;
import org.glean.cli.GleanRun.Output;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.IngestService;
import org.glean.ingest.StudyNotFoundException;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glean pull} from Debian's Orthanc over DICOMweb into the running test server. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class PullCommandTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    IngestService ingest;

    @TempDir
    Path dir;

    @Test
    void pullsTheMatchingStudiesIntoTheServerAndAPullAgainStoresNothingTwice() throws Exception {
        String ctStudy = DcmtkFiles.newUid();
        String otherCtStudy = DcmtkFiles.newUid();
        String secondaryCaptureStudy = DcmtkFiles.newUid();
        try (OrthancProcess orthanc = OrthancProcess.startWithDicomWeb(dir)) {
            orthanc.awaitReady(Duration.ofMinutes(1));
            String series = DcmtkFiles.newUid();
            for (Spec spec : new Spec[] {Spec.ct(ctStudy, series, 1, 1, 32), Spec.ct(ctStudy, series, 1, 2, 32),
                    Spec.ct(otherCtStudy, DcmtkFiles.newUid(), 1, 1, 32),
                    Spec.ct(secondaryCaptureStudy, DcmtkFiles.newUid(), 1, 1, 32).withFrames(2)}) {
                orthanc.store(DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE));
            }

            Output first = glean(server(port), "pull", "--url", orthanc.dicomWebUrl(), "--modality", "CT");
            Output again = glean(server(port), "pull", "--url", orthanc.dicomWebUrl(), "--modality", "CT");

            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.out()).contains("[1/2] Study ", "[2/2] Study ", "2 of 2 matching studies taken");
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out()).contains("2 of 2 matching studies taken");
        }
        assertThat(ingest.study(ctStudy).instanceCount()).isEqualTo(2);
        assertThat(ingest.study(otherCtStudy).instanceCount()).isEqualTo(1);
        assertThatThrownBy(() -> ingest.study(secondaryCaptureStudy)).isInstanceOf(StudyNotFoundException.class);
    }

    @Test
    void saysWhatToCheckWhenNoPacsAnswers() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Output output = glean(server(port), "pull", "--url", "http://127.0.0.1:" + closedPort + "/dicom-web");

        assertThat(output.exitCode()).isEqualTo(1);
        assertThat(output.err()).contains("cannot connect to 127.0.0.1:" + closedPort,
                "check that the PACS runs");
    }
}
