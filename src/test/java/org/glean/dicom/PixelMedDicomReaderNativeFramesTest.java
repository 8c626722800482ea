package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.dicom.DicomImageWriterTest.instance;
import static org.glean.dicom.DicomImageWriterTest.ramp;
import static org.glean.dicom.DicomImageWriterTest.run;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames as stored values for viewers ({@link DicomReader#readNativeFrames}). */
class PixelMedDicomReaderNativeFramesTest {

    private static final MonochromeInstance.PixelEncoding TWELVE_BITS =
            new MonochromeInstance.PixelEncoding(12, 0, OptionalInt.empty());

    @TempDir
    Path dir;

    private final DicomReader reader = new PixelMedDicomReader();

    @Test
    void signedTwelveBitValuesComeBackSignExtendedUncompressedAndFromRle() throws Exception {
        // both ends of the 12-bit two's complement range: -2048.. and ..2047
        short[] values = ramp(0);
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) (i < values.length / 2 ? -2048 + i : 2047 - (values.length - 1 - i));
        }
        Path uncompressed = dir.resolve("signed.dcm");
        new DicomImageWriter().write(instance(ImageSopClass.CT_IMAGE, TWELVE_BITS, List.of(values)), uncompressed);
        Path rle = dir.resolve("signed-rle.dcm");
        run("dcmcrle", uncompressed.toString(), rle.toString());

        for (Path file : List.of(uncompressed, rle)) {
            NativeFrames frames = reader.readNativeFrames(file, List.of(1));
            assertThat(frames.header().pixelRepresentation()).isEqualTo(1);
            assertThat(frames.frames()).as(file.getFileName().toString()).containsExactly(littleEndian(values));
        }
        assertThat(reader.readHeader(rle).transferSyntaxUid()).isEqualTo(TransferSyntax.RLE_LOSSLESS.uid());
    }

    @Test
    void framesComeInTheOrderAsked() throws Exception {
        short[] first = ramp(10);
        short[] second = ramp(900);
        Path file = dir.resolve("multi.dcm");
        new DicomImageWriter().write(instance(ImageSopClass.MULTIFRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE,
                List.of(first, second)), file);

        assertThat(reader.readNativeFrames(file, List.of(2, 1, 2)).frames())
                .containsExactly(littleEndian(second), littleEndian(first), littleEndian(second));
    }

    @Test
    void bitsAboveHighBitAreClearedInUnsignedCells() throws Exception {
        short[] values = ramp(100);
        Path file = dir.resolve("overlay.dcm");
        new DicomImageWriter().write(instance(ImageSopClass.DIGITAL_XRAY_FOR_PRESENTATION, TWELVE_BITS,
                List.of(values)), file);
        // Pixel Data is the last element: set bit 15 of every cell, as an old overlay in the high bits would
        byte[] bytes = Files.readAllBytes(file);
        for (int cell = 0; cell < values.length; cell++) {
            bytes[bytes.length - 2 * values.length + 2 * cell + 1] |= (byte) 0x80;
        }
        Files.write(file, bytes);
        assertThat(run("dcmdump", "+P", "7fe0,0010", file.toString())).contains("OW 8064\\8065");

        assertThat(reader.readNativeFrames(file, List.of(1)).frames()).containsExactly(littleEndian(values));
        assertThat(reader.decode(file).frames().get(0)[0]).isEqualTo(100f);
    }

    @Test
    void aFrameNumberOutsideTheInstanceIsRefused() throws Exception {
        Path file = dir.resolve("one-frame.dcm");
        new DicomImageWriter().write(instance(ImageSopClass.CT_IMAGE, List.of(ramp(0))), file);

        assertThatThrownBy(() -> reader.readNativeFrames(file, List.of(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("frame 2 is not 1 to 1");
    }

    private static byte[] littleEndian(short[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short value : values) {
            bytes.putShort(value);
        }
        return bytes.array();
    }
}
