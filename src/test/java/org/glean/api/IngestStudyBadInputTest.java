package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.api.IngestCalls.chunks;
import static org.glean.api.IngestCalls.send;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.Instance;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.Study;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input, sent as the second instance of a call: the call is refused with
 * INVALID_ARGUMENT naming instance_index 1 and what is wrong, the first instance stays stored,
 * and nothing of the bad one is left, neither a record nor a file.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class IngestStudyBadInputTest extends LoopbackGrpcTest {

    private static final byte[] PIXEL_DATA_OW = HexFormat.of().parseHex("e07f1000" + "4f570000");
    private static final byte[] MODALITY_CS = HexFormat.of().parseHex("08006000" + "4353");
    private static final byte[] SEQUENCE_DELIMITERS = HexFormat.of().parseHex("feff0de000000000" + "feffdde000000000");

    @Inject
    InstanceStore store;

    @TempDir
    Path dir;

    /** Makes the bytes of a bad instance from the spec of a good one, with files in {@code dir}. */
    interface BadInstance {
        byte[] make(Spec spec, Path dir);
    }

    static Stream<Named<BadInstance>> badInstances() {
        return Stream.of(
                Named.of("truncated file", (spec, dir) -> {
                    byte[] valid = valid(spec, dir);
                    return Arrays.copyOf(valid, valid.length / 2);
                }),
                Named.of("element length past the end", (spec, dir) -> withPixelDataLength(valid(spec, dir), 64 * 64 * 2 + 4096)),
                Named.of("huge declared length", (spec, dir) -> withPixelDataLength(valid(spec, dir), 0xFFFFFFF0)),
                Named.of("unterminated sequence", IngestStudyBadInputTest::unterminatedSequence),
                Named.of("non-DICOM bytes", (spec, dir) -> "Dear colleague, please find the scan attached.\n".repeat(20)
                        .getBytes(StandardCharsets.US_ASCII)),
                Named.of("empty file", (spec, dir) -> new byte[0]),
                Named.of("pixel data shorter than rows x columns x bits", (spec, dir) -> withPixels(spec, 100, dir)),
                Named.of("pixel data for fewer frames than NumberOfFrames",
                        (spec, dir) -> withPixels(spec.withFrames(3), 64 * 64 * 2, dir)),
                Named.of("SOPInstanceUID with path characters", (spec, dir) -> valid(withSopUid(spec, "../../etc/passwd"), dir)),
                Named.of("SOPInstanceUID over 64 characters", (spec, dir) -> valid(withSopUid(spec, "1." + "2".repeat(70)), dir)),
                Named.of("StudyInstanceUID that is not a UID", (spec, dir) -> valid(new Spec("1.2.abc", spec.seriesUid(),
                        spec.sopUid(), spec.sopClassUid(), spec.modality(), 1, 2, 64, 64, 1), dir)),
                Named.of("control character in a text element", (spec, dir) -> withModalityFirstByte(valid(spec, dir), (byte) 0x07)),
                Named.of("huge value in a text element", IngestStudyBadInputTest::hugeModality));
    }

    @ParameterizedTest
    @MethodSource("badInstances")
    void isRefusedWithNothingLeftBehind(BadInstance badInstance) throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        byte[] good = valid(Spec.ct(study, series, 1, 1, 64), dir);
        byte[] bad = badInstance.make(Spec.ct(study, series, 1, 2, 64), dir);
        long filesBefore = storedFiles();

        assertThatThrownBy(() -> send(channel, chunks(1000, List.of(good, bad))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("instance_index 1: ").hasSizeGreaterThan(30);
                    assertThat(e.getStatus().getDescription()).doesNotContain("Doe^Jane", "PID-4711");
                });
        assertThat(storedFiles()).as("files: the good instance only").isEqualTo(filesBefore + 1);
        assertThat(instancesOf(study)).as("rows: the good instance only").isEqualTo(1);
    }

    private static byte[] valid(Spec spec, Path dir) {
        return read(DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE));
    }

    private static Spec withSopUid(Spec spec, String sopUid) {
        return new Spec(spec.studyUid(), spec.seriesUid(), sopUid, spec.sopClassUid(), spec.modality(),
                spec.seriesNumber(), spec.instanceNumber(), spec.rows(), spec.columns(), spec.frames());
    }

    private static byte[] withPixels(Spec spec, int pixelBytes, Path dir) {
        try {
            Path pixels = Files.write(dir.resolve("short-pixels.raw"), new byte[pixelBytes]);
            return read(DcmtkFiles.dump2dcm(dir, DcmtkFiles.dump(spec, pixels), "bad-pixels", "+te"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] withPixelDataLength(byte[] instance, long length) {
        int tag = indexOf(instance, PIXEL_DATA_OW);
        ByteBuffer.wrap(instance, tag + PIXEL_DATA_OW.length, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) length);
        return instance;
    }

    private static byte[] withModalityFirstByte(byte[] instance, byte value) {
        // Tag, VR "CS", 2-byte length, then the value.
        instance[indexOf(instance, MODALITY_CS) + MODALITY_CS.length + 2] = value;
        return instance;
    }

    // A sequence of undefined length before the pixel data, its item and sequence delimiters cut
    // out: the sequence runs to the end of the file.
    private static byte[] unterminatedSequence(Spec spec, Path dir) {
        String dump = DcmtkFiles.dump(spec, DcmtkFiles.writePixels(dir, spec)).replace("(0010,0010)", """
                (0008,1140) SQ (Sequence with undefined length #=1)
                (fffe,e000) na (Item with undefined length #=2)
                (0008,1150) UI [1.2.840.10008.5.1.4.1.1.2]
                (0008,1155) UI [1.2.3.4]
                (fffe,e00d) na (ItemDelimitationItem)
                (fffe,e0dd) na (SequenceDelimitationItem)
                (0010,0010)""");
        byte[] terminated = read(DcmtkFiles.dump2dcm(dir, dump, "sequence", "-e", "+te"));
        int delimiters = indexOf(terminated, SEQUENCE_DELIMITERS);
        byte[] unterminated = new byte[terminated.length - SEQUENCE_DELIMITERS.length];
        System.arraycopy(terminated, 0, unterminated, 0, delimiters);
        System.arraycopy(terminated, delimiters + SEQUENCE_DELIMITERS.length, unterminated, delimiters,
                terminated.length - delimiters - SEQUENCE_DELIMITERS.length);
        return unterminated;
    }

    private static byte[] hugeModality(Spec spec, Path dir) {
        String dump = DcmtkFiles.dump(spec, DcmtkFiles.writePixels(dir, spec))
                .replace("CS [" + spec.modality() + "]", "CS [" + "A".repeat(60_000) + "]");
        return read(DcmtkFiles.dump2dcm(dir, dump, "huge-text", "+l", "100000", "+te"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("pattern not found");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(store.root())) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static long instancesOf(String studyInstanceUid) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Study study = Study.findByUid(studyInstanceUid);
            return study == null ? 0 : Instance.count("series.study", study);
        });
    }
}
