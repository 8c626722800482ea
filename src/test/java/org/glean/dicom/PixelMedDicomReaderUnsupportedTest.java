package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Well-formed instances Glean cannot analyse are rejected as unsupported, naming the transfer
 * syntax, SOP class or pixel format, and still carry their header so that they can be reported
 * in their series.
 */
class PixelMedDicomReaderUnsupportedTest {

    private static final SyntheticImage CT = SyntheticImage.signedCt();

    @TempDir
    static Path directory;
    private static Path ct;
    private static Path jpegLsLossless;
    private static Path jpegLsNearLossless;
    private static Path jpegExtended12Bits;

    private final DicomReader reader = new PixelMedDicomReader();

    @BeforeAll
    static void makeFiles() {
        ct = CT.write(directory);
        jpegLsLossless = ImagingTools.convert(ct, "ct-jpeg-ls.dcm", "dcmcjpls");
        Path twelveBits = SyntheticImage.unsigned12Bits().write(directory);
        // DCMTK's near-lossless JPEG-LS encoder takes unsigned values only.
        jpegLsNearLossless = ImagingTools.convert(twelveBits, "u12-jpeg-ls-near.dcm", "dcmcjpls", "+en");
        jpegExtended12Bits = ImagingTools.convert(twelveBits, "u12-extended.dcm", "dcmcjpeg", "+ee", "+un");
    }

    static Stream<Arguments> unsupportedTransferSyntaxes() {
        return Stream.of(
                Arguments.of("JPEG-LS lossless", (FileOf) () -> jpegLsLossless, "1.2.840.10008.1.2.4.80",
                        "JPEG-LS Lossless Image Compression", 64),
                Arguments.of("JPEG-LS near-lossless", (FileOf) () -> jpegLsNearLossless, "1.2.840.10008.1.2.4.81",
                        "JPEG-LS Lossy (Near-Lossless) Image Compression", 32),
                Arguments.of("12-bit JPEG Extended", (FileOf) () -> jpegExtended12Bits, "1.2.840.10008.1.2.4.51",
                        "JPEG Extended (Process 2 & 4)", 32));
    }

    /** The files exist only once {@link #makeFiles} has run, after the arguments are listed. */
    @FunctionalInterface
    interface FileOf {
        Path get();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsupportedTransferSyntaxes")
    void unsupportedTransferSyntaxIsNamedWithItsUidAndName(String label, FileOf file, String uid, String name,
            int rows) {
        UnsupportedDicomException decodeFailure = catchThrowableOfType(UnsupportedDicomException.class,
                () -> reader.decode(file.get()));
        UnsupportedDicomException headerFailure = catchThrowableOfType(UnsupportedDicomException.class,
                () -> reader.readHeader(file.get()));

        assertThat(decodeFailure).hasMessageStartingWith("transfer syntax " + uid + " (" + name + ") is not supported");
        assertThat(headerFailure).hasMessage(decodeFailure.getMessage());
        assertThat(decodeFailure.header().transferSyntaxUid()).isEqualTo(uid);
        assertThat(decodeFailure.header().studyInstanceUid()).isEqualTo(SyntheticImage.STUDY_INSTANCE_UID);
        assertThat(decodeFailure.header().rows()).isEqualTo(rows);
    }

    @Test
    void unknownTransferSyntaxIsUnsupportedWithoutAHeader() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int value = bytes.explicitLittleEndian(DicomTag.TRANSFER_SYNTAX_UID, "UI") + 8;
        Path unknown = bytes.set(value, "1.2.840.99999.1.2.1").write(directory.resolve("unknown-syntax.dcm"));

        UnsupportedDicomException failure = catchThrowableOfType(UnsupportedDicomException.class,
                () -> reader.decode(unknown));

        assertThat(failure).hasMessage(
                "transfer syntax 1.2.840.99999.1.2.1 is not one Glean knows, so the instance cannot be read");
        assertThat(failure.header()).isNull();
    }

    @Test
    void structuredReportIsUnsupportedNamingItsSopClass() {
        Path report = new DicomDump()
                .set("(0002,0010) UI =LittleEndianExplicit")
                .set("(0008,0016) UI =BasicTextSRStorage")
                .set("(0008,0018) UI [" + SyntheticImage.UID_ROOT + ".3.77]")
                .set("(0008,0060) CS [SR]")
                .set("(0010,0010) PN [" + SyntheticImage.PATIENT_NAME + "]")
                .set("(0020,000d) UI [" + SyntheticImage.STUDY_INSTANCE_UID + "]")
                .set("(0020,000e) UI [" + SyntheticImage.UID_ROOT + ".2.77]")
                .set("(0040,a040) CS [CONTAINER]")
                .set("(0040,a050) CS [SEPARATE]")
                .write(directory, "report");

        UnsupportedDicomException failure = catchThrowableOfType(UnsupportedDicomException.class,
                () -> reader.decode(report));

        assertThat(failure).hasMessage("SOP class 1.2.840.10008.5.1.4.1.1.88.11 (Basic Text SR Storage) instance has no"
                + " Pixel Data (7FE0,0010): it is not an image Glean can analyse");
        assertThat(failure.header().modality()).isEqualTo("SR");
        assertThat(failure.header().sopInstanceUid()).isEqualTo(SyntheticImage.UID_ROOT + ".3.77");
    }

    @Test
    void colourImageIsUnsupportedNamingItsPhotometricInterpretation() throws Exception {
        Files.write(directory.resolve("rgb.raw"), new byte[16 * 16 * 3]);
        Path rgb = CT.dumpWithoutPixelData()
                .set("(0008,0016) UI =SecondaryCaptureImageStorage")
                .set("(0028,0002) US 3")
                .set("(0028,0004) CS [RGB]")
                .set("(0028,0006) US 0")
                .set("(0028,0010) US 16")
                .set("(0028,0011) US 16")
                .set("(0028,0100) US 8")
                .set("(0028,0101) US 8")
                .set("(0028,0102) US 7")
                .set("(0028,0103) US 0")
                .set("(7fe0,0010) OB =rgb.raw")
                .write(directory, "rgb");

        assertThatThrownBy(() -> reader.readHeader(rgb)).isInstanceOf(UnsupportedDicomException.class).hasMessage(
                "PhotometricInterpretation RGB is not supported: Glean analyses MONOCHROME1 and MONOCHROME2 images");
    }

    @Test
    void thirtyTwoBitCellsAreUnsupported() throws Exception {
        Files.write(directory.resolve("wide.raw"), new byte[8 * 8 * 4]);
        Path wide = CT.dumpWithoutPixelData()
                .set("(0028,0010) US 8")
                .set("(0028,0011) US 8")
                .set("(0028,0100) US 32")
                .set("(0028,0101) US 32")
                .set("(0028,0102) US 31")
                .set("(7fe0,0010) OW =wide.raw")
                .write(directory, "wide");

        assertThatThrownBy(() -> reader.decode(wide)).isInstanceOf(UnsupportedDicomException.class)
                .hasMessage("BitsAllocated (0028,0100) 32 is not supported: Glean decodes 8- and 16-bit pixel cells");
    }

    @Test
    void storedBitsNotStartingAtBitZeroAreUnsupported() {
        Path shifted = CT.write(directory, CT.dump().set("(0028,0101) US 12").set("(0028,0102) US 15"), "shifted");

        assertThatThrownBy(() -> reader.decode(shifted)).isInstanceOf(UnsupportedDicomException.class).hasMessage(
                "HighBit (0028,0102) 15 with BitsStored 12 is not supported: Glean reads stored values that start at"
                        + " bit 0");
    }

    @Test
    void imageLargerThanTheDecodingLimitIsUnsupported() {
        DicomReader limited = new PixelMedDicomReader(new DicomReadLimits(1 << 20, 1 << 20, 3000));

        UnsupportedDicomException failure = catchThrowableOfType(UnsupportedDicomException.class,
                () -> limited.decode(ct));

        assertThat(failure).hasMessage(
                "Rows × Columns × NumberOfFrames = 64 × 48 × 1 = 3072 pixels, more than the decoding limit of 3000");
        assertThat(failure.header().sopInstanceUid()).isEqualTo(CT.sopInstanceUid());
    }
}
