package org.glean.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glean.dicom.PatientDataFixture;

/**
 * Real DICOM files for tests, made at test time by DCMTK: dump2dcm writes an uncompressed
 * instance from a textual dump, dcmcjpeg / dcmcrle / dcmcjpls compress it.
 */
public final class DcmtkFiles {

    public static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String MULTIFRAME_WORD_SC_STORAGE = "1.2.840.10008.5.1.4.1.1.7.3";
    public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";

    /** The transfer syntaxes tests write, with the DCMTK command that makes each. */
    public enum Syntax {
        EXPLICIT_LITTLE("+te"), IMPLICIT_LITTLE("+ti"), EXPLICIT_BIG("+tb"), DEFLATED("+td"),
        JPEG_LOSSLESS(null), RLE(null), JPEG_LS(null);

        private final String dump2dcmOption;

        Syntax(String dump2dcmOption) {
            this.dump2dcmOption = dump2dcmOption;
        }
    }

    /**
     * One instance to write; 16-bit unsigned, 12 bits stored, pixel values a ramp that differs
     * per instance.
     */
    public record Spec(String studyUid, String seriesUid, String sopUid, String sopClassUid, String modality,
            int seriesNumber, int instanceNumber, int rows, int columns, int frames) {

        public static Spec ct(String studyUid, String seriesUid, int seriesNumber, int instanceNumber, int size) {
            return new Spec(studyUid, seriesUid, newUid(), CT_IMAGE_STORAGE, "CT", seriesNumber, instanceNumber,
                    size, size, 1);
        }

        public Spec withFrames(int count) {
            return new Spec(studyUid, seriesUid, sopUid, MULTIFRAME_WORD_SC_STORAGE, "OT", seriesNumber, instanceNumber,
                    rows, columns, count);
        }

        public Spec withSize(int newRows, int newColumns) {
            return new Spec(studyUid, seriesUid, sopUid, sopClassUid, modality, seriesNumber, instanceNumber, newRows,
                    newColumns, frames);
        }
    }

    private static final AtomicInteger FILE_NUMBER = new AtomicInteger();

    private DcmtkFiles() {
    }

    /** A UID unique to this run, under the UUID-derived root 2.25 (PS3.5 §B.2). */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        // 96 bits keep room for suffixes within 64 characters.
        return "2.25." + new BigInteger(1, Arrays.copyOf(bytes.array(), 12));
    }

    /** Writes the instance in the given transfer syntax and returns its file, the only one it leaves in {@code dir}. */
    public static Path write(Path dir, Spec spec, Syntax syntax) {
        // File names come from a counter: a UID never becomes a path, not even in tests.
        String name = "instance-" + FILE_NUMBER.incrementAndGet();
        Path pixels = writePixels(dir, spec);
        Path uncompressed = dump2dcm(dir, dump(spec, pixels), name,
                syntax.dump2dcmOption == null ? "+te" : syntax.dump2dcmOption);
        delete(pixels);
        if (syntax.dump2dcmOption != null) {
            return uncompressed;
        }
        Path compressed = dir.resolve(name + "-" + syntax.name().toLowerCase() + ".dcm");
        String tool = switch (syntax) {
            case JPEG_LOSSLESS -> "dcmcjpeg";
            case RLE -> "dcmcrle";
            case JPEG_LS -> "dcmcjpls";
            default -> throw new IllegalArgumentException(syntax.name());
        };
        run(List.of(tool, uncompressed.toString(), compressed.toString()));
        delete(uncompressed);
        return compressed;
    }

    /**
     * Writes the instance (explicit VR little endian) carrying {@link PatientDataFixture}'s
     * identifying attributes besides its own, and returns its file.
     */
    public static Path writeIdentifiable(Path dir, Spec spec, String frameOfReferenceUid,
                                         String referencedSopInstanceUid) {
        Path pixels = writePixels(dir, spec);
        String dump = String.join("\n", PatientDataFixture.dumpEntries(frameOfReferenceUid, referencedSopInstanceUid))
                + "\n" + dump(spec, pixels);
        Path file = dump2dcm(dir, dump, "identifiable-" + FILE_NUMBER.incrementAndGet(), "+te");
        delete(pixels);
        return file;
    }

    /** The dump2dcm text of an instance whose pixel data is read from {@code pixels}. */
    public static String dump(Spec spec, Path pixels) {
        StringBuilder dump = new StringBuilder()
                .append("(0008,0016) UI [").append(spec.sopClassUid()).append("]\n")
                .append("(0008,0018) UI [").append(spec.sopUid()).append("]\n")
                .append("(0008,0060) CS [").append(spec.modality()).append("]\n")
                // Patient data that must never reach a log or a column.
                .append("(0010,0010) PN [").append(PatientDataFixture.PATIENT_NAME).append("]\n")
                .append("(0010,0020) LO [").append(PatientDataFixture.PATIENT_ID).append("]\n")
                .append("(0020,000d) UI [").append(spec.studyUid()).append("]\n")
                .append("(0020,000e) UI [").append(spec.seriesUid()).append("]\n")
                .append("(0020,0011) IS [").append(spec.seriesNumber()).append("]\n")
                .append("(0020,0013) IS [").append(spec.instanceNumber()).append("]\n")
                .append("(0028,0002) US 1\n")
                .append("(0028,0004) CS [MONOCHROME2]\n");
        if (spec.frames() > 1) {
            dump.append("(0028,0008) IS [").append(spec.frames()).append("]\n");
        }
        return dump.append("(0028,0010) US ").append(spec.rows()).append('\n')
                .append("(0028,0011) US ").append(spec.columns()).append('\n')
                .append("(0028,0100) US 16\n")
                .append("(0028,0101) US 12\n")
                .append("(0028,0102) US 11\n")
                .append("(0028,0103) US 0\n")
                .append("(0028,1052) DS [-1024]\n")
                .append("(0028,1053) DS [1]\n")
                .append("(7fe0,0010) OW =").append(pixels.toAbsolutePath()).append('\n')
                .toString();
    }

    /** Runs dump2dcm on a dump and returns the file, named {@code name.dcm}. */
    public static Path dump2dcm(Path dir, String dump, String name, String... options) {
        try {
            Path dumpFile = dir.resolve(name + ".dump");
            Files.writeString(dumpFile, dump, StandardCharsets.US_ASCII);
            Path dicom = dir.resolve(name + ".dcm");
            List<String> command = new ArrayList<>(List.of("dump2dcm"));
            command.addAll(List.of(options));
            command.addAll(List.of(dumpFile.toString(), dicom.toString()));
            run(command);
            delete(dumpFile);
            return dicom;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Little-endian 16-bit pixels of every frame, values a ramp below 4096. */
    public static Path writePixels(Path dir, Spec spec) {
        int count = spec.rows() * spec.columns() * spec.frames();
        ByteBuffer pixels = ByteBuffer.allocate(count * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            pixels.putShort((short) ((i * 7 + spec.instanceNumber() * 131) % 4096));
        }
        try {
            Path file = dir.resolve("pixels-" + FILE_NUMBER.incrementAndGet() + ".raw");
            Files.write(file, pixels.array());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * storescu arguments that propose, in one association, CT Image Storage and Multi-frame
     * Grayscale Word Secondary Capture in every syntax tests write (storescu's own -x options
     * propose one compressed syntax at a time), as a PACS that sends compressed studies does.
     */
    public static List<String> storescuProposingEverySyntax(Path dir) {
        StringBuilder contexts = new StringBuilder();
        int number = 0;
        for (String sopClass : List.of("CTImageStorage", "MultiframeGrayscaleWordSecondaryCaptureImageStorage")) {
            for (String syntaxes : List.of("Uncompressed", "Deflated", "JPEGLossless", "RLE", "JPEGLS")) {
                contexts.append("PresentationContext").append(++number).append(" = ").append(sopClass).append('\\')
                        .append(syntaxes).append('\n');
            }
        }
        String config = """
                [[TransferSyntaxes]]
                [Uncompressed]
                TransferSyntax1 = LittleEndianExplicit
                TransferSyntax2 = LittleEndianImplicit
                TransferSyntax3 = BigEndianExplicit
                [Deflated]
                TransferSyntax1 = DeflatedLittleEndianExplicit
                [JPEGLossless]
                TransferSyntax1 = JPEGLossless:Non-hierarchical-1stOrderPrediction
                [RLE]
                TransferSyntax1 = RLELossless
                [JPEGLS]
                TransferSyntax1 = JPEGLSLossless
                [[PresentationContexts]]
                [EverySyntax]
                """ + contexts + """
                [[Profiles]]
                [Glean]
                PresentationContexts = EverySyntax
                """;
        try {
            Path file = Files.writeString(dir.resolve("storescu-every-syntax.cfg"), config, StandardCharsets.US_ASCII);
            return List.of("-xf", file.toString(), "Glean");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a DCMTK tool and returns its output; fails the test when it exits non-zero. */
    public static String run(List<String> command) {
        Result result = execute(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(command + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /** How a tool ended: exit code and stdout with stderr. */
    public record Result(int exitCode, String output) {
    }

    /** Runs a DCMTK tool (network tools with TCP_NODELAY=1) and returns how it ended. */
    public static Result execute(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("TCP_NODELAY", "1");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
