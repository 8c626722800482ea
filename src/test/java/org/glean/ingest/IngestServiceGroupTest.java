package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.security.UidReference;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit: several examined instances stored together, files flushed at once and records in
 * one transaction, with each instance's outcome as precise as when stored alone.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class IngestServiceGroupTest {

    @Inject
    IngestService ingest;

    @Inject
    InstanceStore store;

    @Inject
    IngestConfig config;

    @Inject
    StudyRepository repository;

    private final DicomReader reader = new PixelMedDicomReader();

    @TempDir
    Path dir;

    @Test
    void storesTheInstancesBeforeARefusedOneAndNothingAfterIt() throws Exception {
        TakenSeries taken = seriesOfAnotherStudy();
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<Path> files = List.of(
                write(Spec.ct(study, series, 1, 1, 32)),
                write(Spec.ct(study, series, 1, 2, 32)),
                write(Spec.ct(study, taken.series(), 2, 1, 32)),
                write(Spec.ct(study, series, 1, 3, 32)));

        List<InstanceOutcome> outcomes = ingest.storeAll(examine(files), true);

        assertThat(outcomes.get(0).storedOrThrow().disposition()).isEqualTo(StoredInstance.Disposition.STORED);
        assertThat(outcomes.get(1).storedOrThrow().disposition()).isEqualTo(StoredInstance.Disposition.STORED);
        assertThatThrownBy(() -> outcomes.get(2).storedOrThrow())
                .isInstanceOf(InvalidInstanceException.class)
                .hasMessageContaining("SeriesInstanceUID " + UidReference.of(taken.series()) + " already belongs to study "
                        + UidReference.of(taken.study()))
                .hasMessageNotContaining(taken.series());
        assertThat(outcomes.get(3).isSkipped()).isTrue();
        assertThat(ingest.study(study).instanceCount()).isEqualTo(2);
        assertThat(held(files)).containsExactly(true, true, false, false);
        assertThat(uploadsLeft()).isZero();
    }

    @Test
    void storesIndependentInstancesAroundARefusedOne() throws Exception {
        TakenSeries taken = seriesOfAnotherStudy();
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<Path> files = List.of(
                write(Spec.ct(study, series, 1, 1, 32)),
                write(Spec.ct(study, taken.series(), 2, 1, 32)),
                write(Spec.ct(study, series, 1, 2, 32)));

        List<InstanceOutcome> outcomes = ingest.storeAll(examine(files), false);

        assertThat(outcomes.get(0).isStored()).isTrue();
        assertThatThrownBy(() -> outcomes.get(1).storedOrThrow()).isInstanceOf(InvalidInstanceException.class);
        assertThat(outcomes.get(2).isStored()).isTrue();
        assertThat(ingest.study(study).instanceCount()).isEqualTo(2);
        assertThat(held(files)).containsExactly(true, false, true);
    }

    @Test
    void refusesTheInstanceThatTakesItsStudyPastTheSizeLimitWithinTheGroup() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<Path> files = new ArrayList<>();
        long total = 0;
        int fitting = -1;
        long limit = config.maxStudySize().asLongValue();
        for (int i = 0; fitting < 0 || i <= fitting + 1; i++) {
            Path file = write(Spec.ct(study, series, 1, i + 1, 1024));
            files.add(file);
            total += Files.size(file);
            if (total > limit && fitting < 0) {
                fitting = i;
            }
        }

        int firstTooMany = fitting;

        List<InstanceOutcome> outcomes = ingest.storeAll(examine(files), true);

        for (int i = 0; i < firstTooMany; i++) {
            assertThat(outcomes.get(i).isStored()).as("instance %d", i).isTrue();
        }
        assertThatThrownBy(() -> outcomes.get(firstTooMany).storedOrThrow())
                .isInstanceOf(SizeLimitException.class)
                .hasMessageContaining("glean.ingest.max-study-size");
        assertThat(outcomes.get(firstTooMany + 1).isSkipped()).isTrue();
        assertThat(ingest.study(study).instanceCount()).isEqualTo(firstTooMany);
    }

    @Test
    void theSameInstanceTwiceInAGroupIsStoredOnceAndAGroupSentAgainStoresNothingNew() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        Path first = write(Spec.ct(study, series, 1, 1, 32));
        Path second = write(Spec.ct(study, series, 1, 2, 32));
        List<Path> files = List.of(first, second, first);

        List<InstanceOutcome> outcomes = ingest.storeAll(examine(files), true);
        List<InstanceOutcome> again = ingest.storeAll(examine(files), true);

        assertThat(dispositions(outcomes)).containsExactly(StoredInstance.Disposition.STORED,
                StoredInstance.Disposition.STORED, StoredInstance.Disposition.ALREADY_STORED);
        assertThat(dispositions(again)).containsOnly(StoredInstance.Disposition.ALREADY_STORED);
        assertThat(ingest.study(study).instanceCount()).isEqualTo(2);
        assertThat(held(files)).containsOnly(true);
        assertThat(uploadsLeft()).isZero();
    }

    @Test
    void aRefusedFirstInstanceLeavesNoEmptyStudy() throws Exception {
        TakenSeries taken = seriesOfAnotherStudy();
        String study = DcmtkFiles.newUid();

        List<InstanceOutcome> outcomes = ingest.storeAll(examine(List.of(
                write(Spec.ct(study, taken.series(), 1, 2, 32)),
                write(Spec.ct(study, DcmtkFiles.newUid(), 2, 1, 32)))), true);

        assertThat(outcomes.get(0).isStored()).isFalse();
        assertThat(outcomes.get(1).isSkipped()).isTrue();
        assertThatThrownBy(() -> ingest.study(study)).isInstanceOf(StudyNotFoundException.class);
    }

    @Test
    void recordsNothingWhenTheFilesCannotBeMadeDurable() throws Exception {
        String study = DcmtkFiles.newUid();
        Path file = write(Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 32));
        StudyRepository.Received received = new StudyRepository.Received(reader.readHeader(file),
                Instance.Status.ACCEPTED, null, "0".repeat(64), Files.size(file));

        assertThatThrownBy(() -> repository.recordAll(List.of(received), true, Long.MAX_VALUE, Instant.now(),
                CompletableFuture.failedFuture(new UncheckedIOException(new IOException("disk gone")))))
                .isInstanceOf(CompletionException.class)
                .hasMessageContaining("disk gone");
        assertThatThrownBy(() -> ingest.study(study)).isInstanceOf(StudyNotFoundException.class);
    }

    @Test
    void recordsNothingWhenAStudyDeletionRemovedAFileItNeeds() throws Exception {
        String study = DcmtkFiles.newUid();
        Path file = write(Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 32));
        // a file the store does not hold: what a group finds that reused a deleted study's file
        // which the deletion then removed before the group was recorded
        String removed = "f".repeat(64);
        assertThat(store.pathOf(removed)).doesNotExist();
        StudyRepository.Received received = new StudyRepository.Received(reader.readHeader(file),
                Instance.Status.ACCEPTED, null, removed, Files.size(file));

        assertThatThrownBy(() -> repository.recordAll(List.of(received), true, Long.MAX_VALUE, Instant.now(),
                CompletableFuture.completedFuture(null)))
                .isInstanceOf(StudyRepository.StoredFileRemovedException.class)
                .hasMessageContaining("send them again");
        assertThatThrownBy(() -> ingest.study(study)).isInstanceOf(StudyNotFoundException.class);
    }

    private Path write(Spec spec) {
        return DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE);
    }

    /** A series already stored under another study: an instance of a new study cannot join it. */
    private record TakenSeries(String study, String series) {
    }

    private TakenSeries seriesOfAnotherStudy() throws Exception {
        TakenSeries taken = new TakenSeries(DcmtkFiles.newUid(), DcmtkFiles.newUid());
        ingest.storeAll(examine(List.of(write(Spec.ct(taken.study(), taken.series(), 1, 1, 32)))), true).get(0).storedOrThrow();
        return taken;
    }

    private List<ExaminedInstance> examine(List<Path> files) throws Exception {
        List<ExaminedInstance> examined = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            InstanceUpload upload = ingest.newUpload();
            upload.write(ByteBuffer.wrap(Files.readAllBytes(files.get(i))));
            examined.add(ingest.examine(upload, null, "group index " + i, IngestService.FrameSink.NONE));
        }
        return examined;
    }

    private List<Boolean> held(List<Path> files) throws Exception {
        List<Boolean> held = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            held.add(Files.exists(store.pathOf(sha256)));
        }
        return held;
    }

    private static List<StoredInstance.Disposition> dispositions(List<InstanceOutcome> outcomes) throws Exception {
        List<StoredInstance.Disposition> dispositions = new ArrayList<>();
        for (InstanceOutcome outcome : outcomes) {
            dispositions.add(outcome.storedOrThrow().disposition());
        }
        return dispositions;
    }

    private long uploadsLeft() throws Exception {
        try (var uploads = Files.list(store.uploads())) {
            return uploads.count();
        }
    }
}
