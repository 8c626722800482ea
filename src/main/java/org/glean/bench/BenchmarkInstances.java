package org.glean.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.glean.dicom.DicomImageWriter;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.dicom.ImageSopClass;
import org.glean.dicom.MonochromeInstance;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;

/**
 * The instances a benchmark sends: axial CT slices of a simple phantom (air, a soft-tissue body,
 * two lungs), 16-bit signed HU, Explicit VR Little Endian, each a Part-10 file written by
 * {@link DicomImageWriter}. Every call makes new UIDs (2.25 UUID-derived), so a server that stored
 * an earlier set stores these again rather than recognising them. The patient is synthetic.
 */
public final class BenchmarkInstances {

    private static final String STUDY_DATE = "20260101";

    private BenchmarkInstances() {
    }

    /** The files of one generated study, in instance order. */
    public record GeneratedStudy(String studyInstanceUid, List<Path> files) {
    }

    /**
     * Writes {@code count} CT instances of {@code size × size} pixels into {@code directory},
     * spread evenly over {@code studies} studies of one series each.
     */
    public static List<GeneratedStudy> write(Path directory, int count, int studies, int size) throws IOException {
        if (count < 1 || studies < 1 || studies > count || size < 16) {
            throw new IllegalArgumentException("need 1 ≤ studies ≤ count and size ≥ 16, got count " + count
                    + ", studies " + studies + ", size " + size);
        }
        Files.createDirectories(directory);
        DicomImageWriter writer = new DicomImageWriter();
        List<GeneratedStudy> written = new ArrayList<>();
        for (int studyIndex = 0; studyIndex < studies; studyIndex++) {
            MonochromeInstance.Study study = new MonochromeInstance.Study(newUid(), "BENCH" + studyIndex, STUDY_DATE,
                    "Benchmark^Phantom", "GLEAN-BENCH");
            MonochromeInstance.Series series = new MonochromeInstance.Series(ImageSopClass.CT_IMAGE, newUid(), 1,
                    newUid(), 1.0, 1.0);
            int slices = count / studies + (studyIndex < count % studies ? 1 : 0);
            List<Path> files = new ArrayList<>(slices);
            for (int slice = 0; slice < slices; slice++) {
                Path file = directory.resolve(String.format("s%03d-i%05d.dcm", studyIndex, slice));
                writer.write(new MonochromeInstance(study, series, newUid(), slice + 1, size, size,
                        List.of(phantom(slice, size)), 40, 400, slice), file);
                files.add(file);
            }
            written.add(new GeneratedStudy(study.studyInstanceUid(), List.copyOf(files)));
        }
        return written;
    }

    /**
     * Writes {@code studies} synthetic chest CT studies with findings ({@code glean synth}'s
     * phantoms: one series of {@code slices} axial slices, one to three nodules, masses or
     * calcifications each, no normal study) into {@code directory}, which must not exist. The UIDs
     * follow from {@code seed}: a seed of its own gives studies no server has seen.
     */
    public static List<GeneratedStudy> phantomStudies(Path directory, int studies, int slices, int size, long seed)
            throws IOException {
        SynthOptions defaults = SynthOptions.defaults(seed);
        SynthOptions options = new SynthOptions(seed, studies, slices, defaults.projectionsPerStudy(), size, 1.0,
                new SynthOptions.Range(1, 3), 0, defaults.noise(), defaults.blur(), 0, defaults.shiftKinds());
        new SynthDatasetWriter().write(options, directory, written -> { });
        DicomReader reader = new PixelMedDicomReader();
        List<GeneratedStudy> written = new ArrayList<>();
        try (Stream<Path> folders = Files.list(directory)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(folder)) {
                    files = walk.filter(file -> file.toString().endsWith(".dcm")).sorted().toList();
                }
                written.add(new GeneratedStudy(studyInstanceUid(reader, files.get(0)), files));
            }
        }
        return written;
    }

    /** Total bytes of the files. */
    public static long totalBytes(List<GeneratedStudy> studies) throws IOException {
        long total = 0;
        for (GeneratedStudy study : studies) {
            for (Path file : study.files()) {
                total += Files.size(file);
            }
        }
        return total;
    }

    // HU: air outside an elliptic body of soft tissue, two lungs that widen along the slices, and
    // a little deterministic texture so that neighbouring slices differ.
    private static short[] phantom(int slice, int size) {
        short[] pixels = new short[size * size];
        double half = size / 2.0;
        double lungRadius = size * (0.12 + 0.04 * Math.sin(slice / 40.0));
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double bodyX = (x - half) / (0.45 * size);
                double bodyY = (y - half) / (0.35 * size);
                int hu;
                if (bodyX * bodyX + bodyY * bodyY > 1) {
                    hu = -1000;
                } else if (Math.hypot(x - half * 0.6, y - half) < lungRadius
                        || Math.hypot(x - half * 1.4, y - half) < lungRadius) {
                    hu = -820;
                } else {
                    hu = 40;
                }
                pixels[y * size + x] = (short) (hu + (x * 31 + y * 17 + slice * 7) % 21 - 10);
            }
        }
        return pixels;
    }

    private static String studyInstanceUid(DicomReader reader, Path file) throws IOException {
        try {
            return reader.readHeader(file).studyInstanceUid();
        } catch (MalformedDicomException | UnsupportedDicomException e) {
            throw new IOException("a generated file does not read back: " + file, e);
        }
    }

    static String newUid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }
}
