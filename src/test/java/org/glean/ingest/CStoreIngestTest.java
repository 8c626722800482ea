package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.glean.ingest.DcmtkFiles.Result;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DCMTK's storescu and echoscu against the SCP, end to end into the database, the store and the
 * audit trail (one row per association and study, by the calling AE title).
 */
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

    @Inject
    AuditTrail trail;

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
        String callingAeTitle = callingAeTitle();
        Result push = storescu(callingAeTitle, files);

        assertThat(push.exitCode()).as(push.output()).isZero();
        assertThat(associationRows(callingAeTitle)).extracting(AuditRecord::action, AuditRecord::outcome,
                        AuditRecord::study, AuditRecord::detail)
                .containsExactly(tuple("ASSOCIATION", "OK", AuditRows.studyRef(study),
                        "5 instance(s) stored, 0 refused"));
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

        String callingAeTitle = callingAeTitle();
        Result push = storescu(callingAeTitle, List.of(malformed));

        assertThat(push.output()).contains("Received Store Response (Error: CannotUnderstand)");
        assertThat(isHeld(spec.studyUid())).isFalse();
        assertThat(associationRows(callingAeTitle)).extracting(AuditRecord::study, AuditRecord::detail)
                .containsExactly(tuple(null, "0 instance(s) stored, 1 refused"));
    }

    @Test
    void answersAnInstanceOverTheSizeLimitWithOutOfResources() {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 1900);
        Path large = DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE);

        Result push = storescu(callingAeTitle(), List.of(large));

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

    // The association's rows are written when it ends, which the SCP sees a little after storescu.
    private List<AuditRecord> associationRows(String callingAeTitle) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<AuditRecord> rows = AuditRows.of(trail, callingAeTitle);
        while (rows.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            rows = AuditRows.of(trail, callingAeTitle);
        }
        assertThat(rows).allSatisfy(row -> assertThat(row.peer()).startsWith("127.0.0.1:"));
        return rows;
    }

    private static String callingAeTitle() {
        return "SCU" + ThreadLocalRandom.current().nextInt(10_000_000, 100_000_000);
    }

    private Result storescu(String callingAeTitle, List<Path> files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-nh", "-aet", callingAeTitle, "-aec",
                config.aeTitle()));
        command.addAll(DcmtkFiles.storescuProposingEverySyntax(dir));
        command.addAll(List.of("127.0.0.1", port()));
        files.forEach(file -> command.add(file.toString()));
        return DcmtkFiles.execute(command);
    }

    private String port() {
        return String.valueOf(scp.port().orElseThrow());
    }

}
