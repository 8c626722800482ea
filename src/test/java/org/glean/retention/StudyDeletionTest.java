package org.glean.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.api.IngestCalls;
import org.glean.proto.v1.DeleteStudyRequest;
import org.glean.proto.v1.DeletedStudy;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.curation.CurationFixtures;
import org.glean.curation.CurationService;
import org.glean.curation.ScoredStudy;
import org.glean.dicom.ResultDocuments;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StoreRemovals;
import org.glean.security.Actor;
import org.glean.pacs.DocumentKind;
import org.glean.pacs.Outbox;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeleteStudy against the real server with real tokens: only an admin may; it removes the
 * study's files, rows and tasks (submitted annotations included) and records itself in the
 * audit trail; a deletion whose file removal failed is finished by deleting again; a deleted
 * study's file that the same instance, sent again, names stays.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class StudyDeletionTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    DataSource dataSource;

    @Inject
    InstanceStore store;

    @Inject
    StoreRemovals removals;

    @Inject
    CurationService curation;

    @Inject
    AuditTrail trail;

    @Inject
    Outbox outbox;

    @TempDir
    Path dir;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        // the test admin's unless a call names its own credentials
        channel = LoopbackChannels.open(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        LoopbackChannels.close(channel);
    }

    @Test
    void onlyAnAdminMayDeleteAndARefusalIsRecorded() throws Exception {
        String study = ingest(1).study();
        for (Role role : List.of(Role.INGEST, Role.ANNOTATOR, Role.CURATOR, Role.INFERENCE)) {
            String subject = "not-an-admin-" + UUID.randomUUID();
            StatusRuntimeException refused = catchStatus(() -> delete(subject, study, role));

            assertThat(refused.getStatus().getCode()).as(role.claim()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(AuditRows.of(trail, subject)).extracting(AuditRecord::action, AuditRecord::outcome)
                    .containsExactly(tuple("STUDY_DELETED", "PERMISSION_DENIED"));
        }
        assertThat(rows("SELECT count(*) FROM study WHERE study_instance_uid = ?", study)).isEqualTo(1);
    }

    @Test
    void anAdminsDeletionRemovesFilesRowsAndTasksAndIsRecordedWithThem() throws Exception {
        Ingested ingested = ingest(2);
        String study = ingested.study();
        analysis(study);
        long taskId = submittedTask(study);
        long jobId = failedJobNaming(ingested.sopInstanceUids().get(1));
        outbox.add(new Outbox.OutgoingDocument(DcmtkFiles.newUid(), study, DocumentKind.SR,
                ResultDocuments.COMPREHENSIVE_SR, new byte[] {1}, "v1", null), List.of("pacs"));
        String admin = "admin-" + UUID.randomUUID();

        DeletedStudy deleted = delete(admin, study, Role.ADMIN);

        assertThat(deleted).extracting(DeletedStudy::getSeries, DeletedStudy::getInstances, DeletedStudy::getAnalyses,
                        DeletedStudy::getTasks, DeletedStudy::getSubmittedAnnotations, DeletedStudy::getFilesRemoved)
                .containsExactly(1, 2, 1, 1, 1, 2);
        for (String sha256 : ingested.files()) {
            assertThat(store.pathOf(sha256)).doesNotExist();
        }
        assertThat(rows("SELECT count(*) FROM study WHERE study_instance_uid = ?", study)).isZero();
        assertThat(rows("SELECT count(*) FROM instance WHERE content_sha256 = ANY (string_to_array(?, ','))",
                String.join(",", ingested.files()))).isZero();
        assertThat(rows("SELECT count(*) FROM annotation_task WHERE study_instance_uid = ?", study)).isZero();
        assertThat(rows("SELECT count(*) FROM task_image WHERE task_id = ?", taskId)).isZero();
        assertThat(rows("SELECT count(*) FROM curation_decision WHERE study_instance_uid = ?", study)).isZero();
        assertThat(rows("SELECT count(*) FROM pacs_outbox_document WHERE study_instance_uid = ?", study)).isZero();
        assertThat(rows("SELECT count(*) FROM store_file_removal WHERE study = audit_study_ref(?)", study)).isZero();
        assertThat(strings("SELECT reason FROM fine_tune_job WHERE id = ?", jobId)).containsExactly(
                "the submitted annotations: SOPInstanceUID (a deleted study's UID) frame 1: its file is missing");
        assertThat(catchStatus(() -> StudyIngestGrpc.newBlockingStub(channel).withCallCredentials(TestTokens.admin())
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(study).build())).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        List<AuditRecord> recorded = AuditRows.of(trail, admin);
        assertThat(recorded).extracting(AuditRecord::action, AuditRecord::outcome, AuditRecord::study)
                .containsExactly(tuple("STUDY_DELETED", "OK", AuditRows.studyRef(study)));
        assertThat(recorded.get(0).detail()).isEqualTo("DeleteStudy: 1 series, 2 instance(s), 2 file(s), "
                + "1 analysis(es), 1 task(s) of which 1 submitted");
        assertThat(recorded.get(0).peer()).startsWith("127.0.0.1:");
        assertThat(trail.verify().intact()).isTrue();
    }

    @Test
    void anAbsentStudyIsNotFoundAndABadUidInvalid() {
        String admin = "admin-" + UUID.randomUUID();

        assertThat(catchStatus(() -> delete(admin, DcmtkFiles.newUid(), Role.ADMIN)).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(catchStatus(() -> delete(admin, "not/a/uid", Role.ADMIN)).getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(AuditRows.of(trail, admin)).extracting(AuditRecord::outcome)
                .containsExactly("NOT_FOUND", "INVALID_ARGUMENT");
    }

    @Test
    void aDeletionWhoseFileRemovalFailedIsFinishedByDeletingAgain() throws Exception {
        Ingested ingested = ingest(1);
        Path file = store.pathOf(ingested.files().get(0));
        // a file the store cannot remove: a directory with something in it where the file was
        Files.delete(file);
        Files.createDirectories(file.resolve("held"));
        String admin = "admin-" + UUID.randomUUID();

        DeletedStudy first = delete(admin, ingested.study(), Role.ADMIN);

        assertThat(first.getInstances()).isEqualTo(1);
        assertThat(first.getFilesRemoved()).isZero();
        assertThat(rows("SELECT count(*) FROM study WHERE study_instance_uid = ?", ingested.study())).isZero();
        assertThat(removals.listed(ingested.study())).isEqualTo(1);

        Files.delete(file.resolve("held"));
        Files.delete(file);
        Files.writeString(file, "the file as it was");
        DeletedStudy retried = delete(admin, ingested.study(), Role.ADMIN);

        assertThat(retried.getFilesRemoved()).isEqualTo(1);
        assertThat(file).doesNotExist();
        assertThat(removals.listed(ingested.study())).isZero();
        assertThat(AuditRows.of(trail, admin)).extracting(AuditRecord::action, AuditRecord::detail).containsExactly(
                tuple("STUDY_DELETED", "DeleteStudy: 1 series, 1 instance(s), 1 file(s), 0 analysis(es), 0 task(s) "
                        + "of which 0 submitted"),
                tuple("STUDY_DELETED", "DeleteStudy: finished an earlier deletion, 1 of 1 file(s) removed"));
        assertThat(catchStatus(() -> delete(admin, ingested.study(), Role.ADMIN)).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void aListedFileThatTheSameInstanceSentAgainNamesStays() throws Exception {
        Ingested ingested = ingest(1);
        Path file = store.pathOf(ingested.files().get(0));
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        Files.createDirectories(file.resolve("held"));
        delete("admin-" + UUID.randomUUID(), ingested.study(), Role.ADMIN);
        Files.delete(file.resolve("held"));
        Files.delete(file);
        Files.write(file, bytes);

        IngestCalls.ingest(channel, ingested.sent().toArray(Path[]::new));
        int removed = removals.removeListed(ingested.study());

        assertThat(removed).isZero();
        assertThat(file).exists();
        assertThat(removals.listed(ingested.study())).isZero();
        assertThat(rows("SELECT count(*) FROM study WHERE study_instance_uid = ?", ingested.study())).isEqualTo(1);
    }

    /** A study as sent: its UID, the files sent, the names of its files in the store and its instances' UIDs. */
    private record Ingested(String study, List<Path> sent, List<String> files, List<String> sopInstanceUids) {
    }

    private Ingested ingest(int instances) throws SQLException {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<Path> sent = new ArrayList<>();
        for (int number = 1; number <= instances; number++) {
            sent.add(DcmtkFiles.write(dir, Spec.ct(study, series, 1, number, 32), Syntax.EXPLICIT_LITTLE));
        }
        IngestCalls.ingest(channel, sent.toArray(Path[]::new));
        String ofTheStudy = """
                 FROM instance i JOIN series s ON s.id = i.series_id JOIN study st ON st.id = s.study_id
                WHERE st.study_instance_uid = ? ORDER BY i.instance_number""";
        return new Ingested(study, sent, strings("SELECT i.content_sha256" + ofTheStudy, study),
                strings("SELECT i.sop_instance_uid" + ofTheStudy, study));
    }

    // An analysis row as scoring writes it (this profile runs without a model).
    private void analysis(String study) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO study_analysis (study_id, model_version, informativeness, scores, analysed_at)
                     SELECT id, 'model-1', 1.0, '{}'::jsonb, now() FROM study WHERE study_instance_uid = ?""")) {
            insert.setString(1, study);
            insert.executeUpdate();
        }
    }

    // A fine-tuning job that failed on one of the study's instances, as FineTuneRun words it.
    private long failedJobNaming(String sopInstanceUid) throws SQLException {
        return rows("""
                INSERT INTO fine_tune_job (state, trigger_kind, requested_by, epochs, learning_rate, reason, created_at,
                                           finished_at)
                VALUES ('FAILED', 'MANUAL', 'test-admin', 1, 0.001, 'the submitted annotations: SOPInstanceUID '
                        || ? || ' frame 1: its file is missing', now(), now())
                RETURNING id""", sopInstanceUid);
    }

    private long submittedTask(String study) throws Exception {
        CurationFixtures.clear(dataSource);
        curation.setPolicy(CurationFixtures.everything());
        ScoredStudy scored = CurationFixtures.study(study, CurationFixtures.MODEL, 100.0);
        long taskId = curation.decide(scored, CurationFixtures.CLASSES).taskId();
        Actor annotator = new Actor("annotator-" + UUID.randomUUID(), null);
        assertThat(curation.claimNext(annotator, null).orElseThrow().id()).isEqualTo(taskId);
        curation.submit(taskId, annotator, List.of());
        return taskId;
    }

    private DeletedStudy delete(String subject, String study, Role role) {
        return StudyIngestGrpc.newBlockingStub(channel).withCallCredentials(TestTokens.as(subject, role))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .deleteStudy(DeleteStudyRequest.newBuilder().setStudyInstanceUid(study).build());
    }

    private long rows(String sql, Object parameter) throws SQLException {
        return Long.parseLong(strings(sql, parameter).get(0));
    }

    private List<String> strings(String sql, Object parameter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    values.add(row.getString(1));
                }
            }
            return values;
        }
    }

    private static StatusRuntimeException catchStatus(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }
}
