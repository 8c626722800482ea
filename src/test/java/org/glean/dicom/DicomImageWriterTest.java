package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomImageWriterTest {

    private static final int ROWS = 6;
    private static final int COLUMNS = 8;

    @TempDir
    Path dir;

    private final DicomImageWriter writer = new DicomImageWriter();

    @Test
    void ctInstancePassesTheIodVerifierAndCarriesSignedHu() throws Exception {
        Path file = dir.resolve("ct.dcm");
        writer.write(instance(ImageSopClass.CT_IMAGE, List.of(ramp(-1000))), file);

        assertThat(DicomTools.verify(file)).isEmpty();
        String dump = DicomTools.run("dcmdump", "+P", "0008,0016", "+P", "0008,0060", "+P", "0028,0103", "+P", "0028,0101",
                "+P", "0028,1052", "+P", "0028,1053", "+P", "0020,1041", "+P", "0002,0010", "+P", "0028,0030",
                file.toString());
        assertThat(dump)
                .contains("(0008,0016) UI =CTImageStorage")
                .contains("(0008,0060) CS [CT]")
                .contains("(0028,0103) US 1")
                .contains("(0028,0101) US 16")
                .contains("(0028,1052) DS [0]")
                .contains("(0028,1053) DS [1]")
                .contains("(0020,1041) DS [-37.5]")
                .contains("(0028,0030) DS [0.75\\0.75]")
                .contains("(0002,0010) UI =LittleEndianExplicit");
        // the first stored value is -1000 HU in two's complement
        assertThat(DicomTools.run("dcmdump", "+P", "7fe0,0010", file.toString())).contains("OW fc18\\fc19");
    }

    @Test
    void dxInstancePassesTheIodVerifierAndIsUnsignedForPresentation() throws Exception {
        Path file = dir.resolve("dx.dcm");
        writer.write(instance(ImageSopClass.DIGITAL_XRAY_FOR_PRESENTATION, List.of(ramp(40_000))), file);

        assertThat(DicomTools.verify(file)).isEmpty();
        assertThat(DicomTools.run("dcmdump", "+P", "0008,0016", "+P", "0008,0060", "+P", "0028,0103",
                "+P", "0008,0068", "+P", "0028,1050", "+P", "0028,1051", file.toString()))
                .contains("(0008,0016) UI =DigitalXRayImageStorageForPresentation")
                .contains("(0008,0060) CS [DX]")
                .contains("(0028,0103) US 0")
                .contains("(0008,0068) CS [FOR PRESENTATION]")
                .contains("(0028,1050) DS [40]")
                .contains("(0028,1051) DS [400]");
    }

    @Test
    void multiFrameInstanceCarriesNumberOfFramesAndEveryFrame() throws Exception {
        Path file = dir.resolve("multi.dcm");
        writer.write(instance(ImageSopClass.MULTIFRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE,
                List.of(ramp(65531), ramp(100), ramp(2000))), file);

        assertThat(DicomTools.verify(file)).isEmpty();
        String dump = DicomTools.run("dcmdump", "+P", "0028,0008", "+P", "7fe0,0010", file.toString());
        assertThat(dump).contains("(0028,0008) IS [3]").contains("(7fe0,0010) OW fffb\\fffc").contains("# " + 3 * 2 * ROWS * COLUMNS + ", 1 PixelData");
    }

    @Test
    void storedValuesComeBackFromTheReaderInModalityUnits() throws Exception {
        Path ct = dir.resolve("ct.dcm");
        Path dx = dir.resolve("dx.dcm");
        Path multiFrame = dir.resolve("multi.dcm");
        writer.write(instance(ImageSopClass.CT_IMAGE, List.of(ramp(-1024))), ct);
        writer.write(instance(ImageSopClass.DIGITAL_XRAY_FOR_PRESENTATION, List.of(ramp(40_000))), dx);
        writer.write(instance(ImageSopClass.MULTIFRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE,
                List.of(ramp(0), ramp(65_000))), multiFrame);
        DicomReader reader = new PixelMedDicomReader();

        DecodedImage ctImage = reader.decode(ct);
        assertThat(ctImage.frames().get(0)[0]).isEqualTo(-1024f);
        assertThat(ctImage.frames().get(0)[ROWS * COLUMNS - 1]).isEqualTo(-1024f + ROWS * COLUMNS - 1);
        assertThat(ctImage.header().pixelRepresentation()).isEqualTo(1);
        assertThat(ctImage.header().modality()).isEqualTo("CT");
        assertThat(ctImage.header().pixelSpacingRow()).isEqualTo(0.75);
        // unsigned 16-bit values above 32767 stay positive
        assertThat(reader.decode(dx).frames().get(0)[0]).isEqualTo(40_000f);
        DecodedImage frames = reader.decode(multiFrame);
        assertThat(frames.header().numberOfFrames()).isEqualTo(2);
        assertThat(frames.frames().get(1)[1]).isEqualTo(65_001f);
    }

    @Test
    void aPixelEncodingIsWrittenAsBitsStoredInterceptAndPaddingAndReadBack() throws Exception {
        Path ct = dir.resolve("ct.dcm");
        Path dx = dir.resolve("dx.dcm");
        var padded = new MonochromeInstance.PixelEncoding(16, -1024, OptionalInt.of(-2000));
        var twelveBits = new MonochromeInstance.PixelEncoding(12, 0, OptionalInt.empty());
        writer.write(instance(ImageSopClass.CT_IMAGE, padded, List.of(ramp(-2000))), ct);
        writer.write(instance(ImageSopClass.DIGITAL_XRAY_FOR_PRESENTATION, twelveBits,
                List.of(ramp(4095 - ROWS * COLUMNS + 1))), dx);

        assertThat(DicomTools.verify(ct)).isEmpty();
        assertThat(DicomTools.verify(dx)).isEmpty();
        assertThat(DicomTools.run("dcmdump", "+P", "0028,1052", "+P", "0028,0120", "+P", "0028,0101", ct.toString()))
                .contains("(0028,1052) DS [-1024]").contains("(0028,0120) SS -2000").contains("(0028,0101) US 16");
        assertThat(DicomTools.run("dcmdump", "+P", "0028,0101", "+P", "0028,0102", dx.toString()))
                .contains("(0028,0101) US 12").contains("(0028,0102) US 11");
        DicomReader reader = new PixelMedDicomReader();
        assertThat(reader.decode(ct).frames().get(0)[0]).isEqualTo(-3024f);
        assertThat(reader.decode(dx).frames().get(0)[ROWS * COLUMNS - 1]).isEqualTo(4095f);
    }

    @Test
    void storedValuesBeyondBitsStoredAreRejected() {
        var twelveBits = new MonochromeInstance.PixelEncoding(12, 0, OptionalInt.empty());

        assertThatThrownBy(() -> instance(ImageSopClass.DIGITAL_XRAY_FOR_PRESENTATION, twelveBits, List.of(ramp(4090))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit BitsStored 12");
    }

    @Test
    void fileIsReplacedWholeAndNoTemporaryFileIsLeft() throws Exception {
        Path file = dir.resolve("series/ct.dcm");
        writer.write(instance(ImageSopClass.CT_IMAGE, List.of(ramp(0))), file);
        writer.write(instance(ImageSopClass.CT_IMAGE, List.of(ramp(7))), file);

        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ct.dcm");
        }
    }

    @Test
    void singleFrameIodsRefuseSeveralFrames() {
        assertThatThrownBy(() -> instance(ImageSopClass.CT_IMAGE, List.of(ramp(0), ramp(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CT_IMAGE instances are single-frame");
    }

    @Test
    void framesOfTheWrongSizeAreRejected() {
        assertThatThrownBy(() -> instance(ImageSopClass.CT_IMAGE, List.of(new short[5])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Rows×Columns is 48");
    }

    /** A frame whose values rise by one per pixel from {@code first}. */
    static short[] ramp(int first) {
        short[] frame = new short[ROWS * COLUMNS];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (short) (first + i);
        }
        return frame;
    }

    static MonochromeInstance instance(ImageSopClass sopClass, List<short[]> frames) {
        return instance(sopClass, MonochromeInstance.PixelEncoding.DEFAULT, frames);
    }

    static MonochromeInstance instance(ImageSopClass sopClass, MonochromeInstance.PixelEncoding encoding,
                                       List<short[]> frames) {
        var study = new MonochromeInstance.Study(DerivedUids.derive(1, "study"), "S1", "20240102",
                "Phantom^Synthetic", "SYNTH-1");
        var series = new MonochromeInstance.Series(sopClass, DerivedUids.derive(1, "series"), 2,
                DerivedUids.derive(1, "frame-of-reference"), 0.75, 2.5, encoding);
        return new MonochromeInstance(study, series, DerivedUids.derive(1, "instance"), 3, ROWS, COLUMNS, frames,
                40, 400, -37.5);
    }
}
