package org.glean.cli;

import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import org.glean.cli.GleanRun.Output;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.IngestService;
import org.glean.ingest.Study;
import org.glean.ingest.StudyRecord;
import org.glean.server.PostgresTestResource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glean send} as a user runs it, against the running test server. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SendCommandTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    IngestService ingest;

    @TempDir
    Path dir;

    @Test
    void sendsEveryStudyUnderAFolderAndPrintsWhatTheServerMadeOfIt() throws Exception {
        String firstStudy = DcmtkFiles.newUid();
        String secondStudy = DcmtkFiles.newUid();
        String ctSeries = DcmtkFiles.newUid();
        String otSeries = DcmtkFiles.newUid();
        Path nested = Files.createDirectories(dir.resolve("exam/part2"));
        Spec ct1 = Spec.ct(firstStudy, ctSeries, 1, 1, 32);
        Spec ct2 = Spec.ct(firstStudy, ctSeries, 1, 2, 32);
        Spec ot = Spec.ct(firstStudy, otSeries, 2, 1, 16).withFrames(2);
        Spec other = Spec.ct(secondStudy, DcmtkFiles.newUid(), 1, 1, 32);
        DcmtkFiles.write(dir, ct1, Syntax.EXPLICIT_LITTLE);
        DcmtkFiles.write(nested, ct2, Syntax.RLE);
        DcmtkFiles.write(nested, ot, Syntax.JPEG_LOSSLESS);
        DcmtkFiles.write(dir, other, Syntax.JPEG_LS);
        Files.writeString(dir.resolve("notes.txt"), "not DICOM");
        Files.write(dir.resolve("no-preamble.dcm"), new byte[200]);

        Output output = glean(server(port), "send", dir.toString(),
                "--chunk-size", "4096");

        assertThat(output.exitCode()).as(output.err()).isZero();
        assertThat(output.out())
                .contains("Study " + firstStudy + ": 3 instances in 2 series, COMPLETE")
                .contains("  not scored: no model installed")
                .contains("  Series " + ctSeries + " (CT, number 1): 2 instances")
                .contains("    " + ct1.sopUid() + "  ACCEPTED  32x32, 1 frame")
                .contains("    " + ct2.sopUid() + "  ACCEPTED  32x32, 1 frame")
                .contains("  Series " + otSeries + " (OT, number 2): 1 instances")
                .contains("    " + ot.sopUid() + "  ACCEPTED  16x16, 2 frames")
                .contains("Study " + secondStudy + ": 1 instances in 1 series, COMPLETE")
                .contains("    " + other.sopUid() + "  REJECTED: ")
                .contains("2 of 2 studies sent");
        StudyRecord first = ingest.study(firstStudy);
        assertThat(first.instanceCount()).isEqualTo(3);
        assertThat(first.reception()).isEqualTo(Study.Reception.COMPLETE);
        assertThat(ingest.study(secondStudy).instanceCount()).isEqualTo(1);
    }

    @Test
    void skipsAFileWithAPreambleButNoReadableHeaderAndSaysSo() throws Exception {
        Path valid = DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 32),
                Syntax.EXPLICIT_LITTLE);
        byte[] bytes = Files.readAllBytes(valid);
        Path truncated = Files.write(dir.resolve("truncated.dcm"), Arrays.copyOf(bytes, 140));

        Output output = glean(server(port), "send", dir.toString());

        assertThat(output.exitCode()).isZero();
        assertThat(output.err()).contains("Skipped " + truncated);
        assertThat(output.out()).contains("1 of 1 studies sent");
    }

    @Test
    void failsWhenNoServerAnswers() throws Exception {
        DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 32), Syntax.EXPLICIT_LITTLE);

        Output output = glean(server(1), "send", dir.toString());

        assertThat(output.exitCode()).isEqualTo(1);
        assertThat(output.err()).contains("was not taken: UNAVAILABLE");
    }

    @Test
    void refusesAPathThatIsNotAFolder() {
        Output output = glean("send", dir.resolve("missing").toString());

        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.err()).contains("is not a folder");
    }

}
