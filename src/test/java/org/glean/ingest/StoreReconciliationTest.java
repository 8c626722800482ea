package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.server.OwnInstanceStoreTestResource;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instance store and the records after a crash: what a killed process left in its upload
 * folder, files no record names, records whose file is gone.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(OwnInstanceStoreTestResource.class)
class StoreReconciliationTest {

    @Inject
    StoreReconciliation reconciliation;

    @Inject
    IngestService ingest;

    @Inject
    InstanceStore store;

    @Inject
    StudyRepository repository;

    @TempDir
    Path dir;

    @Test
    void removesWhatAKilledProcessPlacedWithoutRecordsAndAdoptsBytesARecordLacks() throws Exception {
        Path lost = dicomFile();
        String lostSha256 = sha256(Files.readAllBytes(lost));
        store(lost);
        Files.delete(store.pathOf(lostSha256));
        // what a process killed between placing files and committing their records leaves
        Path folder = uploadFolderOfAGoneProcess();
        byte[] unrecorded = "placed, never recorded".getBytes();
        Path placedUpload = Files.write(folder.resolve("upload-placed.part"), unrecorded);
        Path placed = store.pathOf(sha256(unrecorded));
        Files.createDirectories(placed.getParent());
        Files.createLink(placed, placedUpload);
        Files.copy(lost, folder.resolve("upload-lost-copy.part"));
        Files.write(folder.resolve("upload-half.part"), Arrays.copyOf(Files.readAllBytes(lost), 300));

        StoreReconciliation.Report report = reconciliation.reconcileAbandonedUploads();

        assertThat(report.removed()).isEqualTo(1);
        assertThat(report.adopted()).isEqualTo(1);
        assertThat(placed).doesNotExist();
        assertThat(store.pathOf(lostSha256)).hasSameBinaryContentAs(lost);
        assertThat(folder).doesNotExist();
        assertThat(folder.resolveSibling(folder.getFileName() + ".owner")).doesNotExist();
        assertThat(store.uploads()).as("this process's own folder").isDirectory();
    }

    @Test
    void theStoreScanRemovesOldFilesNoRecordNamesAndMarksRecordsWithoutTheirFile() throws Exception {
        Path missing = dicomFile();
        String missingSop = new PixelMedDicomReader().readHeader(missing).sopInstanceUid();
        Path missingStored = store.pathOf(sha256(Files.readAllBytes(missing)));
        store(missing);
        Path aside = Files.move(missingStored, dir.resolve("aside.dcm"));
        Instant old = Instant.now().minus(StoreReconciliation.ORPHAN_MIN_AGE).minus(Duration.ofMinutes(1));
        Path oldOrphan = storeFileNoRecordNames("old orphan", old);
        Path youngOrphan = storeFileNoRecordNames("young orphan", Instant.now());
        Path beingRecorded = storeFileNoRecordNames("old, but an upload of a live process", old);
        Path upload = Files.createLink(store.uploads().resolve("upload-being-recorded.part"), beingRecorded);

        StoreReconciliation.Report report = reconciliation.scanStore();

        assertThat(report.removed()).isEqualTo(1);
        assertThat(oldOrphan).doesNotExist();
        assertThat(youngOrphan).exists();
        assertThat(beingRecorded).exists();
        assertThat(report.missing()).isEqualTo(1);
        assertThat(fileMissingSince(missingSop)).isNotNull();
        assertThat(repository.acceptedContent(List.of(missingSop))).as("not handed out as readable").isEmpty();

        Files.move(aside, missingStored);
        StoreReconciliation.Report again = reconciliation.scanStore();

        assertThat(again.missing()).isZero();
        assertThat(again.back()).isEqualTo(1);
        assertThat(fileMissingSince(missingSop)).isNull();
        assertThat(repository.acceptedContent(List.of(missingSop))).containsKey(missingSop);
        Files.delete(upload);
        Files.delete(youngOrphan);
        Files.delete(beingRecorded);
    }

    @Test
    void sendingAnInstanceWhoseFileWentMissingAgainBringsItBack() throws Exception {
        Path instance = dicomFile();
        String sop = new PixelMedDicomReader().readHeader(instance).sopInstanceUid();
        Path stored = store.pathOf(sha256(Files.readAllBytes(instance)));
        store(instance);
        Files.delete(stored);
        reconciliation.scanStore();
        assertThat(fileMissingSince(sop)).isNotNull();

        StoredInstance again = store(instance);

        assertThat(again.disposition()).isEqualTo(StoredInstance.Disposition.ALREADY_STORED);
        assertThat(stored).hasSameBinaryContentAs(instance);
        assertThat(fileMissingSince(sop)).isNull();
    }

    // As an IngestStudy call stores an instance and completes its study when it ends: a study left
    // receiving would be completed by its quiet period and scored in the background of later tests.
    private StoredInstance store(Path file) throws Exception {
        InstanceUpload upload = ingest.newUpload();
        upload.write(ByteBuffer.wrap(Files.readAllBytes(file)));
        StoredInstance stored = ingest.ingest(upload, null, "test");
        ingest.completeStudy(stored.studyInstanceUid(), connection -> { }); // no call to audit here
        return stored;
    }

    private Path dicomFile() {
        return DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 32),
                Syntax.EXPLICIT_LITTLE);
    }

    // An upload folder whose owner has ended: the folder and its lock file, which nobody holds.
    private Path uploadFolderOfAGoneProcess() throws IOException {
        Path folder = Files.createDirectories(store.uploads().resolveSibling("4000003-gone"));
        Files.writeString(folder.resolveSibling("4000003-gone.owner"), "pid 4000003, started 2025-01-01T00:00:00Z\n");
        return folder;
    }

    private Path storeFileNoRecordNames(String text, Instant modified) throws Exception {
        Path file = store.pathOf(sha256(text.getBytes()));
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private static Instant fileMissingSince(String sopInstanceUid) {
        return QuarkusTransaction.requiringNew().call(() -> Instance.findByUid(sopInstanceUid).fileMissingSince);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
