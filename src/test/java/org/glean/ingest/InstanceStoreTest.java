package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceStoreTest {

    @TempDir
    Path root;

    @Test
    void placesBytesUnderTheirSha256() throws Exception {
        InstanceStore store = new InstanceStore(root);
        byte[] bytes = "not really DICOM, but bytes all the same".getBytes(StandardCharsets.US_ASCII);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        InstanceUpload upload = store.newUpload(1024);
        upload.write(ByteBuffer.wrap(bytes, 0, 10));
        upload.write(ByteBuffer.wrap(bytes, 10, bytes.length - 10));
        upload.finish();

        assertThat(upload.contentSha256()).isEqualTo(sha256);
        assertThat(placeDurably(store, List.of(upload))).containsExactly(true);
        Path placed = root.resolve(sha256.substring(0, 2)).resolve(sha256 + ".dcm");
        assertThat(store.pathOf(sha256)).isEqualTo(placed);
        assertThat(Files.readAllBytes(placed)).isEqualTo(bytes);
        assertThat(uploadsLeft(store)).isZero();
    }

    @Test
    void sameBytesTwiceAreStoredOnce() throws Exception {
        InstanceStore store = new InstanceStore(root);
        assertThat(placeDurably(store, List.of(finishedUpload(store, "same bytes")))).containsExactly(true);
        assertThat(placeDurably(store, List.of(finishedUpload(store, "same bytes")))).containsExactly(false);
        assertThat(storedFiles()).isEqualTo(1);
        assertThat(uploadsLeft(store)).isZero();
    }

    @Test
    void placesAGroupAtOnceAndTheSameBytesInItOnce() throws Exception {
        InstanceStore store = new InstanceStore(root);
        List<InstanceUpload> group = List.of(finishedUpload(store, "first"), finishedUpload(store, "second"),
                finishedUpload(store, "first"), finishedUpload(store, "third"));

        assertThat(placeDurably(store, group)).containsExactly(true, true, false, true);

        assertThat(storedFiles()).isEqualTo(3);
        for (InstanceUpload upload : group) {
            assertThat(store.pathOf(upload.contentSha256())).exists();
        }
        assertThat(Files.readString(store.pathOf(group.get(1).contentSha256()))).isEqualTo("second");
        assertThat(uploadsLeft(store)).isZero();
    }

    @Test
    void refusesBytesPastTheLimitWithoutWritingThem() throws Exception {
        InstanceStore store = new InstanceStore(root);
        InstanceUpload upload = store.newUpload(8);
        upload.write(ByteBuffer.wrap(new byte[8]));

        assertThatThrownBy(() -> upload.write(ByteBuffer.wrap(new byte[1])))
                .isInstanceOf(SizeLimitException.class)
                .hasMessageContaining("glean.ingest.max-instance-size = 8 bytes");
        assertThat(upload.size()).isEqualTo(8);
        upload.discard();
        assertThat(uploadsLeft(store)).isZero();
    }

    @Test
    void namesOnlyHashesNeverOtherStrings() {
        InstanceStore store = new InstanceStore(root);
        assertThatThrownBy(() -> store.pathOf("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.pathOf("1.2.840.10008.5.1.4.1.1.2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsAnUploadInItsFolderAsASecondNameOfThePlacedFileUntilItIsDiscarded() throws Exception {
        InstanceStore store = new InstanceStore(root);
        InstanceUpload upload = finishedUpload(store, "recorded later");

        InstanceStore.Placement placement = store.placeAll(List.of(upload));
        placement.durable().join();
        assertThat(placement.newFiles()).containsExactly(true);

        Path placed = store.pathOf(upload.contentSha256());
        assertThat(Files.isSameFile(placed, upload.tempFile())).isTrue();
        assertThat(Files.getAttribute(placed, "unix:nlink")).isEqualTo(2);
        upload.discard();
        assertThat(Files.getAttribute(placed, "unix:nlink")).isEqualTo(1);
        assertThat(uploadsLeft(store)).isZero();
    }

    @Test
    void placesAgainBytesItFoundStoredWhenTheyHaveGoneSince() throws Exception {
        InstanceStore store = new InstanceStore(root);
        assertThat(placeDurably(store, List.of(finishedUpload(store, "an orphan")))).containsExactly(true);
        InstanceUpload upload = finishedUpload(store, "an orphan");
        assertThat(store.placeAll(List.of(upload)).newFiles()).containsExactly(false);
        assertThat(store.ensurePlaced(upload)).isFalse();

        store.remove(upload.contentSha256()); // as reconciliation removes an orphan
        assertThat(store.ensurePlaced(upload)).isTrue();

        assertThat(Files.readString(store.pathOf(upload.contentSha256()))).isEqualTo("an orphan");
        upload.discard();
    }

    @Test
    void eachStoreReceivesIntoAFolderOfItsOwn() throws Exception {
        InstanceStore first = new InstanceStore(root);
        InstanceStore second = new InstanceStore(root);
        first.newUpload(1024).write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

        assertThat(second.uploads()).isNotEqualTo(first.uploads());
        assertThat(second.takeOverAbandonedUploads()).as("the first store's process is alive").isEmpty();
        assertThat(uploadsLeft(first)).isEqualTo(1);
    }

    @Test
    void takesOverTheUploadFolderOfAGoneProcessButNotThatOfALiveOne() throws Exception {
        InstanceStore store = new InstanceStore(root);
        Path gone = uploadFolder("gone", "pid 4000001, started 2025-01-01T00:00:00Z");
        Files.write(gone.resolve("upload-1.part"), new byte[] {1, 2, 3});
        Path alive = uploadFolder("alive", "pid 4000002, started 2025-01-01T00:00:00Z");
        Process holder = holdLock(alive.resolveSibling("alive.owner"));
        try {
            List<InstanceStore.AbandonedUploads> abandoned = store.takeOverAbandonedUploads();

            assertThat(abandoned).hasSize(1);
            assertThat(abandoned.get(0).owner()).isEqualTo("pid 4000001, started 2025-01-01T00:00:00Z");
            assertThat(abandoned.get(0).files()).containsExactly(gone.resolve("upload-1.part"));
            abandoned.get(0).remove();
            assertThat(gone).doesNotExist();
            assertThat(gone.resolveSibling("gone.owner")).doesNotExist();
            assertThat(alive).isDirectory();
        } finally {
            holder.destroy();
            holder.waitFor();
        }
        assertThat(store.takeOverAbandonedUploads()).as("its owner has ended").hasSize(1);
    }

    @Test
    void removesUploadsLeftByEarlierVersionsAndFoldersWithoutAnOwner() throws Exception {
        Path uploads = Files.createDirectories(root.resolve(".uploads"));
        Files.write(uploads.resolve("upload-old.part"), new byte[] {1});
        Path ownerless = Files.createDirectories(uploads.resolve("ownerless"));
        Files.write(ownerless.resolve("upload-2.part"), new byte[] {2});

        InstanceStore store = new InstanceStore(root);
        assertThat(store.takeOverAbandonedUploads()).isEmpty();

        assertThat(uploads.resolve("upload-old.part")).doesNotExist();
        assertThat(ownerless).doesNotExist();
    }

    // An upload folder as a process leaves it: the folder and, beside it, its lock file naming it.
    private Path uploadFolder(String id, String owner) throws IOException {
        Path folder = Files.createDirectories(root.resolve(".uploads").resolve(id));
        Files.writeString(folder.resolveSibling(id + ".owner"), owner + "\n");
        return folder;
    }

    // Another live process that holds the lock (a POSIX record lock, as Java takes it).
    private static Process holdLock(Path file) throws IOException {
        Process holder = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'r+')
                fcntl.lockf(f, fcntl.LOCK_EX)
                print('locked', flush=True)
                sys.stdin.read()""", file.toString()).redirectErrorStream(true).start();
        String line = new String(holder.getInputStream().readNBytes("locked".length()), StandardCharsets.US_ASCII);
        assertThat(line).as("python3 holding the lock").isEqualTo("locked");
        return holder;
    }

    private static InstanceUpload finishedUpload(InstanceStore store, String text) throws IOException, SizeLimitException {
        InstanceUpload upload = store.newUpload(1024);
        upload.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        upload.finish();
        return upload;
    }

    // Places the uploads and, as IngestService does once their records are committed, discards them.
    private static List<Boolean> placeDurably(InstanceStore store, List<InstanceUpload> uploads) throws IOException {
        InstanceStore.Placement placement = store.placeAll(uploads);
        placement.durable().join();
        uploads.forEach(InstanceUpload::discard);
        return placement.newFiles();
    }

    private long storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(file -> !file.startsWith(root.resolve(".uploads"))).count();
        }
    }

    private static long uploadsLeft(InstanceStore store) throws IOException {
        try (Stream<Path> files = Files.list(store.uploads())) {
            return files.count();
        }
    }
}
