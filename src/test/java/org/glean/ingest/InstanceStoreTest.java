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
        assertThat(store.place(upload)).isTrue();
        Path placed = root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256 + ".dcm");
        assertThat(store.pathOf(sha256)).isEqualTo(placed);
        assertThat(Files.readAllBytes(placed)).isEqualTo(bytes);
        assertThat(uploadsLeft(store)).isZero();
    }

    @Test
    void sameBytesTwiceAreStoredOnce() throws Exception {
        InstanceStore store = new InstanceStore(root);
        assertThat(store.place(finishedUpload(store, "same bytes"))).isTrue();
        assertThat(store.place(finishedUpload(store, "same bytes"))).isFalse();
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(1);
        }
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
    void removesUploadsAbandonedByACrash() throws Exception {
        InstanceStore crashed = new InstanceStore(root);
        crashed.newUpload(1024).write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

        InstanceStore restarted = new InstanceStore(root);

        assertThat(uploadsLeft(restarted)).isZero();
    }

    private static InstanceUpload finishedUpload(InstanceStore store, String text) throws IOException, SizeLimitException {
        InstanceUpload upload = store.newUpload(1024);
        upload.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        upload.finish();
        return upload;
    }

    private static long uploadsLeft(InstanceStore store) throws IOException {
        try (Stream<Path> files = Files.list(store.root().resolve(".uploads"))) {
            return files.count();
        }
    }
}
