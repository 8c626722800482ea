package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.sql.DataSource;
import org.glean.coco.CocoFile;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ExportAnnotationsRequest;
import org.glean.proto.v1.ExportInstanceRequest;
import org.glean.proto.v1.ExportedTask;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.SetPolicyRequest;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.cli.GleanRun.Output;
import org.glean.curation.CurationFixtures;
import org.glean.dicom.PatientDataFixture;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.InstanceStore;
import org.glean.security.UidReference;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.PostgresTestResource;
import org.glean.training.CocoDataset;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study that carries a hospital's identifying attributes ({@link PatientDataFixture}), sent to
 * the real server with {@code glean send}, scored by a real model, annotated, and exported twice
 * with {@code glean export --images}: neither the exports nor the server's log say who the patient
 * is or what the study's UIDs are, and the pseudonyms are the same in both exports.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
class ExportDeidentificationTest extends LoopbackGrpcTest {

    /** What the log must never show: the patient, and (below) every original UID. */
    private static final List<String> PATIENT = List.of("Doe", "Jane", PatientDataFixture.PATIENT_ID,
            PatientDataFixture.BIRTH_DATE, PatientDataFixture.ACCESSION_NUMBER, PatientDataFixture.INSTITUTION,
            PatientDataFixture.REFERRING_PHYSICIAN, PatientDataFixture.PRIVATE_VALUE);

    @Inject
    DataSource dataSource;

    @Inject
    InstanceStore store;

    @TempDir
    Path dir;

    @Test
    void exportsAndLogsOfAnIdentifiableStudyCarryNoneOfItsIdentityAndTheSamePseudonymsEveryTime() throws Exception {
        CurationFixtures.clear(dataSource);
        String studyUid = DcmtkFiles.newUid();
        String seriesUid = DcmtkFiles.newUid();
        String frameOfReferenceUid = DcmtkFiles.newUid();
        String referencedUid = DcmtkFiles.newUid();
        Path studyDir = Files.createDirectories(dir.resolve("study"));
        Spec first = Spec.ct(studyUid, seriesUid, 1, 1, 64);
        Spec second = Spec.ct(studyUid, seriesUid, 1, 2, 64);
        DcmtkFiles.writeIdentifiable(studyDir, first, frameOfReferenceUid, referencedUid);
        DcmtkFiles.writeIdentifiable(studyDir, second, frameOfReferenceUid, referencedUid);
        List<String> originalUids = List.of(studyUid, seriesUid, first.sopUid(), second.sopUid(), frameOfReferenceUid,
                referencedUid);

        List<String> log;
        Path coco = dir.resolve("export/coco.json");
        Path images = dir.resolve("export/images");
        Path cocoAgain = dir.resolve("again/coco.json");
        Path imagesAgain = dir.resolve("again/images");
        List<ExportedTask> exported = new ArrayList<>();
        try (CapturedLog captured = CapturedLog.start()) {
            Output sent = glean(server(port), "send", studyDir.toString());
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            annotate();
            Output export = glean(server(port), "export", "--out", coco.toString(), "--images", images.toString());
            assertThat(export.exitCode()).as(export.err()).isZero();
            assertThat(export.out()).contains("2 image(s) with 1 box(es) from 1 task(s)");
            Output again = glean(server(port), "export", "--out", cocoAgain.toString(), "--images",
                    imagesAgain.toString());
            assertThat(again.exitCode()).as(again.err()).isZero();
            curation().exportAnnotations(ExportAnnotationsRequest.getDefaultInstance()).forEachRemaining(exported::add);
            log = captured.lines();
        }

        // the export response and the COCO files: pseudonyms only, no stored file
        List<String> storedFiles = storedFilesOf(studyUid);
        assertThat(storedFiles).hasSize(2);
        for (String text : List.of(exported.toString(), Files.readString(coco), Files.readString(cocoAgain))) {
            assertThat(text).doesNotContain(store.root().toString());
            storedFiles.forEach(file -> assertThat(text).doesNotContain(file));
            originalUids.forEach(uid -> assertThat(text).doesNotContain(uid));
            PatientDataFixture.values().forEach(value -> assertThat(text).doesNotContain(value));
        }
        String studyPseudonym = pseudonymOf(studyUid);
        assertThat(exported).singleElement().satisfies(task -> {
            assertThat(task.getStudyInstanceUid()).isEqualTo(studyPseudonym);
            assertThat(task.getImagesList()).extracting(image -> image.getSopInstanceUid())
                    .containsExactly(pseudonymOf(first.sopUid()), pseudonymOf(second.sopUid()));
        });
        CocoFile cocoFile = CocoFile.read(coco);
        assertThat(CocoFile.read(cocoAgain).images()).isEqualTo(cocoFile.images());
        assertThat(cocoFile.images()).extracting(CocoFile.Image::studyInstanceUid).containsOnly(studyPseudonym);

        // the de-identified copies, as DCMTK reads them, the same bytes both times, and trainable
        for (CocoFile.Image image : cocoFile.images()) {
            Path copy = images.resolve(image.fileName());
            assertThat(Files.readAllBytes(imagesAgain.resolve(image.fileName()))).isEqualTo(Files.readAllBytes(copy));
            String dump = DcmtkFiles.run(List.of("dcmdump", "+L", "-M", copy.toString()));
            originalUids.forEach(uid -> assertThat(dump).doesNotContain(uid));
            PatientDataFixture.values().forEach(value -> assertThat(dump).as("dcmdump").doesNotContain(value));
            assertThat(dump).contains("(0020,000d) UI [" + studyPseudonym + "]",
                    "(0008,0018) UI [" + image.sopInstanceUid() + "]", "(0012,0062) CS [YES]",
                    "(0010,0010) PN (no value available)", "(0010,0030) DA (no value available)");
            assertThat(dump).containsPattern("\\(0020,0052\\) UI \\[2\\.25\\.[0-9]+\\]");
        }
        CocoDataset dataset = CocoDataset.open(images, coco, new PixelMedDicomReader());
        assertThat(dataset.size()).isEqualTo(2);
        assertThat(dataset.sample(0).rows()).isEqualTo(64);

        // an instance is exported by its pseudonym only
        for (String key : List.of(first.sopUid(), "2.25.1")) {
            assertThatThrownBy(() -> curation().exportInstance(ExportInstanceRequest.newBuilder()
                    .setSopInstanceUid(key).build()).forEachRemaining(chunk -> { }))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        }

        // the log, at INFO and above, as the server wrote it while this happened
        assertThat(log).anySatisfy(line -> assertThat(line).contains("Study " + UidReference.of(studyUid) + " scored"));
        for (String line : log) {
            originalUids.forEach(uid -> assertThat(line).as("a log line").doesNotContain(uid));
            PATIENT.forEach(value -> assertThat(line).as("a log line").doesNotContain(value));
        }
    }

    private void annotate() {
        CurationGrpc.CurationBlockingStub stub = curation();
        stub.setPolicy(SetPolicyRequest.newBuilder().build());
        AnnotationTask task = stub.claimNextTask(ClaimNextTaskRequest.getDefaultInstance()).getTask();
        stub.submitAnnotation(SubmitAnnotationRequest.newBuilder().setTaskId(task.getTaskId())
                .addImages(ImageAnnotation.newBuilder().setSopInstanceUid(task.getImages(0).getSopInstanceUid())
                        .setFrame(1)
                        .addBoxes(Box.newBuilder().setLabel(task.getClasses(0)).setXmin(4).setYmin(4).setXmax(20)
                                .setYmax(18)))
                .build());
    }

    private CurationGrpc.CurationBlockingStub curation() {
        return CurationGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    private String pseudonymOf(String uid) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT pseudonym FROM uid_pseudonym WHERE original_uid = ?")) {
            select.setString(1, uid);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("a pseudonym for %s", uid).isTrue();
                return row.getString(1);
            }
        }
    }

    // The stored files' names: the SHA-256 of their bytes, under the store.
    private List<String> storedFilesOf(String studyUid) throws Exception {
        List<String> files = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT i.content_sha256 FROM instance i JOIN series se ON se.id = i.series_id
                     JOIN study st ON st.id = se.study_id WHERE st.study_instance_uid = ?""")) {
            select.setString(1, studyUid);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    files.add(store.root().relativize(store.pathOf(rows.getString(1).trim())).toString());
                }
            }
        }
        return files;
    }

    /** Every record of INFO and above that reaches the root logger, formatted with its exceptions. */
    private static final class CapturedLog extends Handler implements AutoCloseable {

        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        static CapturedLog start() {
            CapturedLog log = new CapturedLog();
            log.setLevel(Level.INFO);
            Logger.getLogger("").addHandler(log);
            return log;
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            StringWriter line = new StringWriter();
            line.append(record.getLoggerName()).append(": ").append(record instanceof ExtLogRecord ext
                    ? ext.getFormattedMessage() : new SimpleFormatter().formatMessage(record));
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace(new PrintWriter(line));
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
        }
    }
}
