package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.ingest.DcmtkFiles.Result;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.metrics.PipelineMetrics;
import org.glean.metrics.PipelineStage;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storing every front shares: instances of parallel senders stored together, each answered only
 * once its group is committed, a refused one leaving nothing behind. The C-STORE cases push with
 * DCMTK's storescu into the running SCP.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class GroupCommitTest {

    @Inject
    GroupCommit groups;

    @Inject
    IngestService ingest;

    @Inject
    InstanceStore store;

    @Inject
    CStoreIngest scp;

    @Inject
    ScpConfig config;

    @Inject
    AuditTrail trail;

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Inject
    StudyRepository repository;

    private final DicomReader reader = new PixelMedDicomReader();

    @TempDir
    Path dir;

    @Test
    void twoParallelAssociationsStoreTheSameStudyEachInstanceOnce() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<Path> first = new ArrayList<>();
        List<Path> second = new ArrayList<>();
        Path shared = write(Spec.ct(study, series, 1, 1, 64));
        first.add(shared);
        second.add(shared);
        for (int i = 2; i <= 13; i++) {
            (i % 2 == 0 ? first : second).add(write(Spec.ct(study, series, 1, i, 64)));
        }
        String firstAeTitle = callingAeTitle();
        String secondAeTitle = callingAeTitle();

        CompletableFuture<Result> firstPush = CompletableFuture.supplyAsync(() -> storescu(firstAeTitle, first));
        CompletableFuture<Result> secondPush = CompletableFuture.supplyAsync(() -> storescu(secondAeTitle, second));

        assertThat(firstPush.join().exitCode()).as(firstPush.join().output()).isZero();
        assertThat(secondPush.join().exitCode()).as(secondPush.join().output()).isZero();
        List<StudyRecord.InstanceRecord> instances = ingest.study(study).series().get(0).instances();
        assertThat(instances).extracting(StudyRecord.InstanceRecord::instanceNumber)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        assertThat(instances).extracting(StudyRecord.InstanceRecord::status).containsOnly(Instance.Status.ACCEPTED);
        assertStoredFilesReadable(instances);
        assertThat(associationRows(firstAeTitle)).extracting(AuditRecord::study, AuditRecord::detail)
                .containsExactly(tuple(AuditRows.studyRef(study), "7 instance(s) stored, 0 refused"));
        assertThat(associationRows(secondAeTitle)).extracting(AuditRecord::study, AuditRecord::detail)
                .containsExactly(tuple(AuditRows.studyRef(study), "7 instance(s) stored, 0 refused"));
        assertThat(uploadsLeft()).isZero();
    }

    @Test
    void aCStoreIsAnsweredOnlyOnceItsInstanceIsCommitted() throws Exception {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64);
        Path file = write(spec);
        String callingAeTitle = callingAeTitle();
        CompletableFuture<Result> push;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement lock = connection.createStatement()) {
                // readers may go on; the group's insert waits for this transaction
                lock.execute("LOCK TABLE instance IN EXCLUSIVE MODE");
            }
            push = CompletableFuture.supplyAsync(() -> storescu(callingAeTitle, List.of(file)));

            Thread.sleep(2000);
            assertThat(push).as("storescu, waiting for the C-STORE response").isNotDone();
            assertThat(isHeld(spec.studyUid())).isFalse();
            connection.rollback();
        }

        Result result = push.get(60, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Received Store Response (Success)");
        assertStoredFilesReadable(ingest.study(spec.studyUid()).series().get(0).instances());
    }

    @Test
    void instancesHandedOverWhileTheStorersAreBusyAreStoredInOneGroupAndARefusedOneLeavesNoRowAndNoFile()
            throws Exception {
        String takenStudy = DcmtkFiles.newUid();
        String takenSeries = DcmtkFiles.newUid();
        groups.store(examine(List.of(write(Spec.ct(takenStudy, takenSeries, 1, 1, 32)))), false).join();
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<Path> busy = List.of(write(Spec.ct(study, series, 1, 1, 32)), write(Spec.ct(study, series, 1, 2, 32)));
        Path before = write(Spec.ct(study, series, 1, 3, 32));
        Path refused = write(Spec.ct(study, takenSeries, 2, 1, 32));
        Path after = write(Spec.ct(study, series, 1, 4, 32));
        long groupsBefore = storedGroups();

        List<CompletableFuture<List<InstanceOutcome>>> stored = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement lock = connection.createStatement()) {
                lock.execute("LOCK TABLE instance IN EXCLUSIVE MODE");
            }
            // one group per storer, each waiting for the lock (handed over one at a time, so that the
            // first storer has taken its group before the second arrives); the rest wait for a storer
            for (Path file : busy) {
                stored.add(groups.store(examine(List.of(file)), false));
                Thread.sleep(1000);
            }
            for (Path file : List.of(before, refused, after)) {
                stored.add(groups.store(examine(List.of(file)), false));
            }
            Thread.sleep(500);
            assertThat(stored).noneMatch(CompletableFuture::isDone);
            connection.rollback();
        }

        assertThat(stored.get(0).join().get(0).isStored()).isTrue();
        assertThat(stored.get(1).join().get(0).isStored()).isTrue();
        assertThat(stored.get(2).join().get(0).isStored()).isTrue();
        assertThatThrownBy(() -> stored.get(3).join().get(0).storedOrThrow())
                .isInstanceOf(InvalidInstanceException.class);
        assertThat(stored.get(4).join().get(0).isStored()).isTrue();
        assertThat(storedGroups() - groupsBefore).as("groups stored").isEqualTo(GroupCommit.STORERS + 1);
        assertThat(ingest.study(study).instanceCount()).isEqualTo(4);
        assertThat(Files.exists(store.pathOf(sha256(refused)))).isFalse();
        assertThat(ingest.study(takenStudy).instanceCount()).isEqualTo(1);
        assertThat(uploadsLeft()).isZero();
    }

    // The SCP writes its own file meta information, so the stored bytes are not the sent file's.
    private void assertStoredFilesReadable(List<StudyRecord.InstanceRecord> instances) throws Exception {
        Map<String, String> content = repository.acceptedContent(
                instances.stream().map(StudyRecord.InstanceRecord::sopInstanceUid).toList());
        assertThat(content).hasSameSizeAs(instances);
        for (String contentSha256 : content.values()) {
            assertThat(sha256(store.pathOf(contentSha256))).isEqualTo(contentSha256);
            assertThat(reader.decode(store.pathOf(contentSha256)).frames()).hasSize(1);
        }
    }

    private long storedGroups() {
        return registry.get(PipelineMetrics.STAGE_TIMER)
                .tag(PipelineMetrics.STAGE_TAG, PipelineStage.INSTANCE_STORE.tag()).timer().count();
    }

    private Path write(Spec spec) {
        return DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE);
    }

    private List<ExaminedInstance> examine(List<Path> files) throws Exception {
        List<ExaminedInstance> examined = new ArrayList<>();
        for (Path file : files) {
            InstanceUpload upload = ingest.newUpload();
            upload.write(ByteBuffer.wrap(Files.readAllBytes(file)));
            examined.add(ingest.examine(upload, null, "test", IngestService.FrameSink.NONE));
        }
        return examined;
    }

    private boolean isHeld(String studyInstanceUid) {
        try {
            ingest.study(studyInstanceUid);
            return true;
        } catch (StudyNotFoundException e) {
            return false;
        }
    }

    private long uploadsLeft() throws Exception {
        try (var uploads = Files.list(store.uploads())) {
            return uploads.count();
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
        return rows;
    }

    private Result storescu(String callingAeTitle, List<Path> files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAeTitle, "-aec",
                config.aeTitle(), "127.0.0.1", String.valueOf(scp.port().orElseThrow())));
        files.forEach(file -> command.add(file.toString()));
        return DcmtkFiles.execute(command);
    }

    private static String callingAeTitle() {
        return "SCU" + ThreadLocalRandom.current().nextInt(10_000_000, 100_000_000);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
