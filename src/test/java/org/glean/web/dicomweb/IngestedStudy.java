package org.glean.web.dicomweb;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.glean.api.IngestCalls;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;

/**
 * One study sent through IngestStudy, as a hospital pipeline would: a CT series in two
 * uncompressed syntaxes, a multi-frame series in JPEG lossless and RLE, and a JPEG-LS instance
 * that Glean stores but cannot decode. Its files stay in {@code dir} to compare with what comes back.
 */
record IngestedStudy(String studyUid, String ctSeriesUid, String multiFrameSeriesUid, String jpegLsSeriesUid,
        List<Sent> instances) {

    /** One sent instance: what was written, in which syntax, to which file. */
    record Sent(Spec spec, Syntax syntax, String transferSyntaxUid, Path file) {

        /** The stored values DcmtkFiles wrote for frame {@code number} (from 1), as little-endian 16-bit cells. */
        byte[] storedFrame(int number) {
            int cells = spec.rows() * spec.columns();
            ByteBuffer frame = ByteBuffer.allocate(cells * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = (number - 1) * cells; i < number * cells; i++) {
                frame.putShort((short) ((i * 7 + spec.instanceNumber() * 131) % 4096));
            }
            return frame.array();
        }

        String sopUid() {
            return spec.sopUid();
        }

        byte[] bytes() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static IngestedStudy send(ManagedChannel channel, Path dir) {
        String study = DcmtkFiles.newUid();
        String ct = DcmtkFiles.newUid();
        String multiFrame = DcmtkFiles.newUid();
        String jpegLs = DcmtkFiles.newUid();
        List<Sent> sent = List.of(
                write(dir, Spec.ct(study, ct, 1, 1, 64), Syntax.EXPLICIT_LITTLE, "1.2.840.10008.1.2.1"),
                write(dir, Spec.ct(study, ct, 1, 2, 64), Syntax.EXPLICIT_BIG, "1.2.840.10008.1.2.2"),
                write(dir, Spec.ct(study, multiFrame, 2, 1, 32).withFrames(3), Syntax.JPEG_LOSSLESS,
                        "1.2.840.10008.1.2.4.70"),
                write(dir, Spec.ct(study, multiFrame, 2, 2, 32).withFrames(2), Syntax.RLE, "1.2.840.10008.1.2.5"),
                write(dir, Spec.ct(study, jpegLs, 3, 1, 32), Syntax.JPEG_LS, DcmtkFiles.JPEG_LS_LOSSLESS));
        IngestCalls.ingest(channel, sent.stream().map(Sent::file).toArray(Path[]::new));
        return new IngestedStudy(study, ct, multiFrame, jpegLs, sent);
    }

    private static Sent write(Path dir, Spec spec, Syntax syntax, String transferSyntaxUid) {
        return new Sent(spec, syntax, transferSyntaxUid, DcmtkFiles.write(dir, spec, syntax));
    }

    Sent explicitLittle() {
        return instances.get(0);
    }

    Sent bigEndian() {
        return instances.get(1);
    }

    Sent jpegLossless() {
        return instances.get(2);
    }

    Sent rle() {
        return instances.get(3);
    }

    Sent jpegLs() {
        return instances.get(4);
    }

    /** The path of an instance under /dicomweb/. */
    String instancePath(Sent instance) {
        return "studies/" + studyUid + "/series/" + instance.spec().seriesUid() + "/instances/" + instance.sopUid();
    }
}
