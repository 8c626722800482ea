package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transfer syntax Glean supports, on files made by DCMTK (for JPEG 2000: encoded by
 * OpenJPEG, wrapped by DCMTK) from images whose stored values are known.
 */
class PixelMedDicomReaderTransferSyntaxTest {

    private static final SyntheticImage CT = SyntheticImage.signedCt();
    private static final SyntheticImage WORD_FRAMES = SyntheticImage.unsignedWordFrames();
    private static final SyntheticImage BYTE_FRAMES = SyntheticImage.byteFrames("bytes", "MONOCHROME2", 3);
    private static final SyntheticImage MONOCHROME1 = SyntheticImage.byteFrames("mono1", "MONOCHROME1", 1);
    private static final SyntheticImage NOISY_12_BITS = SyntheticImage.signed12BitsInNoisyCells();

    private static final List<TransferSyntax> LOSSLESS = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
            TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.RLE_LOSSLESS,
            TransferSyntax.JPEG_LOSSLESS, TransferSyntax.JPEG_LOSSLESS_SV1, TransferSyntax.JPEG_2000_LOSSLESS);
    private static final List<TransferSyntax> NATIVE_AND_RLE = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
            TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.RLE_LOSSLESS);

    @TempDir
    static Path directory;
    private static final Map<SyntheticImage, Map<TransferSyntax, Path>> FILES = new HashMap<>();
    private static Path byteFramesJpegBaseline;
    private static Path monochrome1JpegBaseline;
    private static Path ctJpeg2000Lossy;

    private final DicomReader reader = new PixelMedDicomReader();

    record Case(SyntheticImage image, TransferSyntax syntax) {
        @Override
        public String toString() {
            return image + " in " + syntax.description();
        }
    }

    static Stream<Case> losslessCases() {
        List<Case> cases = new ArrayList<>();
        for (SyntheticImage image : List.of(CT, WORD_FRAMES, BYTE_FRAMES)) {
            LOSSLESS.forEach(syntax -> cases.add(new Case(image, syntax)));
        }
        NATIVE_AND_RLE.forEach(syntax -> cases.add(new Case(NOISY_12_BITS, syntax)));
        List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.RLE_LOSSLESS,
                TransferSyntax.JPEG_LOSSLESS_SV1).forEach(syntax -> cases.add(new Case(MONOCHROME1, syntax)));
        return cases.stream();
    }

    @BeforeAll
    static void makeFiles() {
        losslessCases().forEach(c -> FILES.computeIfAbsent(c.image(), image -> new EnumMap<>(TransferSyntax.class))
                .computeIfAbsent(c.syntax(), syntax -> make(c.image(), syntax)));
        Path bytes = FILES.get(BYTE_FRAMES).get(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        byteFramesJpegBaseline = ImagingTools.convert(bytes, "bytes-baseline.dcm", "dcmcjpeg", "+eb", "+un");
        Path monochrome1 = FILES.get(MONOCHROME1).get(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        monochrome1JpegBaseline = ImagingTools.convert(monochrome1, "mono1-baseline.dcm", "dcmcjpeg", "+eb", "+un");
        ctJpeg2000Lossy = CT.writeJpeg2000(directory, 8);
    }

    private static Path make(SyntheticImage image, TransferSyntax syntax) {
        if (syntax == TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN) {
            return image.write(directory);
        }
        if (syntax == TransferSyntax.JPEG_2000_LOSSLESS) {
            return image.writeJpeg2000(directory, 0);
        }
        Path base = FILES.get(image).computeIfAbsent(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                explicit -> image.write(directory));
        String target = image.name + "-" + syntax.name().toLowerCase() + ".dcm";
        return switch (syntax) {
            case IMPLICIT_VR_LITTLE_ENDIAN -> ImagingTools.convert(base, target, "dcmconv", "+ti");
            case EXPLICIT_VR_BIG_ENDIAN -> ImagingTools.convert(base, target, "dcmconv", "+tb");
            case DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN -> ImagingTools.convert(base, target, "dcmconv", "+td");
            case RLE_LOSSLESS -> ImagingTools.convert(base, target, "dcmcrle");
            case JPEG_LOSSLESS -> ImagingTools.convert(base, target, "dcmcjpeg", "+el");
            case JPEG_LOSSLESS_SV1 -> ImagingTools.convert(base, target, "dcmcjpeg", "+e1");
            default -> throw new IllegalArgumentException("no recipe for " + syntax);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losslessCases")
    void losslessSyntaxDecodesEveryFrameToExactModalityValues(Case c) throws Exception {
        DecodedImage decoded = reader.decode(FILES.get(c.image()).get(c.syntax()));

        assertThat(decoded.header().transferSyntaxUid()).isEqualTo(c.syntax().uid());
        assertThat(decoded.frames()).hasSize(c.image().frames());
        for (int frame = 0; frame < c.image().frames(); frame++) {
            FrameAssertions.assertSameValues(decoded.frames().get(frame), c.image().expectedFrame(frame),
                    "frame " + (frame + 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losslessCases")
    void everySyntaxCarriesTheSameHeader(Case c) throws Exception {
        DicomHeader header = reader.readHeader(FILES.get(c.image()).get(c.syntax()));
        DicomHeader explicit = reader.readHeader(FILES.get(c.image()).get(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));

        assertThat(header).usingRecursiveComparison().ignoringFields("transferSyntaxUid").isEqualTo(explicit);
    }

    @Test
    void headerCarriesIdentityGeometryModalityLutAndWindow() throws Exception {
        DicomHeader header = reader.readHeader(FILES.get(CT).get(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));

        assertThat(header).isEqualTo(new DicomHeader(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
                SyntheticImage.CT_IMAGE_STORAGE, CT.sopInstanceUid(), SyntheticImage.STUDY_INSTANCE_UID,
                CT.seriesInstanceUid(), "CT", 7, 3, 64, 48, 1, 1, 16, 16, 1, "MONOCHROME2", 1, -1024, 40, 400, 0.5,
                0.75));
    }

    @Test
    void multiFrameHeaderCountsFramesAndKeepsFractionalRescale() throws Exception {
        DicomHeader header = reader.readHeader(FILES.get(WORD_FRAMES).get(TransferSyntax.RLE_LOSSLESS));

        assertThat(header.numberOfFrames()).isEqualTo(3);
        assertThat(header.pixelRepresentation()).isZero();
        assertThat(header.rescaleSlope()).isEqualTo(0.25);
        assertThat(header.rescaleIntercept()).isEqualTo(-100);
    }

    @Test
    void signedCtKeepsNegativeStoredValuesAndHounsfieldUnits() throws Exception {
        float[] hu = reader.decode(FILES.get(CT).get(TransferSyntax.JPEG_LOSSLESS)).frames().get(0);

        // Top left: stored −1000 → −2024 HU.
        // Bottom right: stored −1000 + 20·47 + 15·63 + (47·63 mod 7) = 885 → −139 HU.
        assertThat(hu[0]).isEqualTo(-2024f);
        assertThat(hu[hu.length - 1]).isEqualTo(-139f);
    }

    @Test
    void monochrome1IsInvertedSoThatHigherMeansBrighter() throws Exception {
        float[] values = reader.decode(FILES.get(MONOCHROME1).get(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)).frames()
                .get(0);

        // Stored 0 at the top left is white in MONOCHROME1: 255 once inverted; stored 189 at the bottom right → 66.
        assertThat(values[0]).isEqualTo(255f);
        assertThat(values[values.length - 1]).isEqualTo(66f);
    }

    @Test
    void jpegBaselineDecodesCloseToTheOriginal() throws Exception {
        assertClose(reader.decode(byteFramesJpegBaseline), BYTE_FRAMES, 1.0, 6);
        assertClose(reader.decode(monochrome1JpegBaseline), MONOCHROME1, 1.0, 6);
    }

    @Test
    void lossyJpeg2000DecodesCloseToTheOriginal() throws Exception {
        DecodedImage decoded = reader.decode(ctJpeg2000Lossy);

        assertThat(decoded.header().transferSyntaxUid()).isEqualTo(TransferSyntax.JPEG_2000.uid());
        assertClose(decoded, CT, 8.0, 60);
    }

    /** Mean and largest absolute error of every frame against the original, in modality units. */
    private static void assertClose(DecodedImage decoded, SyntheticImage original, double meanError, double maxError) {
        assertThat(decoded.frames()).hasSize(original.frames());
        for (int frame = 0; frame < original.frames(); frame++) {
            float[] expected = original.expectedFrame(frame);
            float[] actual = decoded.frames().get(frame);
            double sum = 0;
            double max = 0;
            for (int i = 0; i < expected.length; i++) {
                double error = Math.abs(actual[i] - expected[i]);
                sum += error;
                max = Math.max(max, error);
            }
            assertThat(sum / expected.length).as("mean error of frame %d", frame + 1).isLessThanOrEqualTo(meanError);
            assertThat(max).as("largest error of frame %d", frame + 1).isLessThanOrEqualTo(maxError);
        }
    }
}
