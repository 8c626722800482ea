package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.glean.ingest.DcmtkFiles.Result;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DCMTK's storescu and echoscu against the SCP, end to end into the database and the store. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class CStoreIngestTest {

    @Inject
    CStoreIngest scp;

    @Inject
    IngestService ingest;

    @Inject
    ReceivedStudies receivedStudies;

    @Inject
    ScpConfig config;

    @TempDir
    Path dir;

    @Test
    void answersEcho() {
        String output = DcmtkFiles.run(List.of("echoscu", "-v", "-aec", config.aeTitle(), "127.0.0.1", port()));

        assertThat(output).contains("Received Echo Response (Success)");
    }

    @Test
    void refusesAnAssociationCallingAnotherAeTitle() {
        Result result = DcmtkFiles.execute(List.of("echoscu", "-aec", "NOT-GLEAN", "127.0.0.1", port()));

        assertThat(result.exitCode()).isNotZero();
    }

    @Test
    void storesAPushedStudyInCompressedSyntaxesAndCompletesItAfterTheQuietPeriod() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<Path> files = List.of(
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 1, 64), Syntax.EXPLICIT_LITTLE),
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 2, 64), Syntax.JPEG_LOSSLESS),
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 3, 64), Syntax.RLE),
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 4, 64), Syntax.DEFLATED),
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 5, 64), Syntax.JPEG_LS));

        long pushStarted = System.nanoTime();
        Result push = storescu(files);

        assertThat(push.exitCode()).as(push.output()).isZero();
        StudyRecord stored = ingest.study(study);
        List<StudyRecord.InstanceRecord> instances = stored.series().get(0).instances();
        assertThat(instances).extracting(StudyRecord.InstanceRecord::instanceNumber).containsExactly(1, 2, 3, 4, 5);
        assertThat(instances).extracting(StudyRecord.InstanceRecord::status).containsExactly(
                Instance.Status.ACCEPTED, Instance.Status.ACCEPTED, Instance.Status.ACCEPTED,
                Instance.Status.ACCEPTED, Instance.Status.REJECTED);
        assertThat(instances.get(4).rejectionReason()).contains(DcmtkFiles.JPEG_LS_LOSSLESS);

        awaitComplete(study, Duration.ofSeconds(15));
        assertThat(Duration.ofNanos(System.nanoTime() - pushStarted)).isGreaterThanOrEqualTo(config.studyQuietPeriod());
        assertThat(receivedStudies.of(study)).containsExactly(
                new StudyReceived(study, StudyReceived.Completion.QUIET_PERIOD_PASSED));
    }

    @Test
    void answersAMalformedInstanceWithCannotUnderstandAndStoresNothingOfIt() throws Exception {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64);
        Path tooFewPixels = dir.resolve("short.raw");
        Files.write(tooFewPixels, new byte[100]);
        Path malformed = DcmtkFiles.dump2dcm(dir, DcmtkFiles.dump(spec, tooFewPixels), "short", "+te");

        Result push = storescu(List.of(malformed));

        assertThat(push.output()).contains("Received Store Response (Error: CannotUnderstand)");
        assertThat(isHeld(spec.studyUid())).isFalse();
    }

    @Test
    void answersAnInstanceOverTheSizeLimitWithOutOfResources() {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 1900);
        Path large = DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE);

        Result push = storescu(List.of(large));

        assertThat(push.output()).contains("Received Store Response (Refused: OutOfResources)");
        assertThat(isHeld(spec.studyUid())).isFalse();
    }

    private void awaitComplete(String studyInstanceUid, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (ingest.study(studyInstanceUid).reception() != Study.Reception.COMPLETE) {
            assertThat(System.nanoTime()).as("study completed within " + patience).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private boolean isHeld(String studyInstanceUid) {
        try {
            ingest.study(studyInstanceUid);
            return true;
        } catch (StudyNotFoundException e) {
            return false;
        }
    }

    private Result storescu(List<Path> files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-nh", "-aec", config.aeTitle()));
        command.addAll(DcmtkFiles.storescuProposingEverySyntax(dir));
        command.addAll(List.of("127.0.0.1", port()));
        files.forEach(file -> command.add(file.toString()));
        return DcmtkFiles.execute(command);
    }

    private String port() {
        return String.valueOf(scp.port().orElseThrow());
    }

}
