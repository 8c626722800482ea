package org.glean.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A grayscale image whose every stored value is known, made into a real Part-10 file by DCMTK's
 * dump2dcm (explicit VR little endian) so that other DCMTK tools can convert it to each transfer
 * syntax, and OpenJPEG can encode it as JPEG 2000; tests compare what the reader decodes with
 * {@link #expectedFrame}.
 */
final class SyntheticImage {

    static final String UID_ROOT = "1.2.826.0.1.3680043.10.543";
    static final String STUDY_INSTANCE_UID = UID_ROOT + ".1";
    static final String PATIENT_NAME = "Doe^Jane";
    static final String PATIENT_ID = "PAT-0042";
    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";

    final String name;
    final String sopClassUid;
    final String modality;
    final int rows;
    final int columns;
    final int bitsAllocated;
    final int bitsStored;
    final boolean signed;
    final String photometric;
    final double slope;
    final double intercept;
    /** The stored values, per frame, row by row. */
    final int[][] stored;
    /** The pixel cells as written: the stored values plus whatever the bits above BitsStored hold. */
    final int[][] cells;

    private SyntheticImage(String name, String sopClassUid, String modality, int rows, int columns, int bitsAllocated,
            int bitsStored, boolean signed, String photometric, double slope, double intercept, int[][] stored,
            int[][] cells) {
        this.name = name;
        this.sopClassUid = sopClassUid;
        this.modality = modality;
        this.rows = rows;
        this.columns = columns;
        this.bitsAllocated = bitsAllocated;
        this.bitsStored = bitsStored;
        this.signed = signed;
        this.photometric = photometric;
        this.slope = slope;
        this.intercept = intercept;
        this.stored = stored;
        this.cells = cells;
    }

    /** A CT slice, 64 rows × 48 columns, 16-bit two's complement, HU = stored − 1024; negative in both. */
    static SyntheticImage signedCt() {
        int[][] values = values(1, 64, 48, (f, y, x) -> -1000 + 20 * x + 15 * y + x * y % 7);
        return new SyntheticImage("ct", CT_IMAGE_STORAGE, "CT", 64, 48, 16, 16, true, "MONOCHROME2", 1, -1024, values,
                values);
    }

    /** Three frames of 16-bit unsigned values, many above 32767, with RescaleSlope 0.25 and RescaleIntercept −100. */
    static SyntheticImage unsignedWordFrames() {
        int[][] values = values(3, 32, 40, (f, y, x) -> 15000 * f + 400 * x + 200 * y + (x + y) % 3);
        return new SyntheticImage("words", "1.2.840.10008.5.1.4.1.1.7.3", "OT", 32, 40, 16, 16, false, "MONOCHROME2",
                0.25, -100, values, values);
    }

    /** {@code frames} frames of smooth 8-bit values, 64 × 64. */
    static SyntheticImage byteFrames(String name, String photometric, int frames) {
        int[][] values = values(frames, 64, 64, (f, y, x) -> 2 * x + y + 20 * f);
        return new SyntheticImage(name, "1.2.840.10008.5.1.4.1.1.7.2", "OT", 64, 64, 8, 8, false, photometric, 1, 0,
                values, values);
    }

    /**
     * A CT slice stored as 12-bit two's complement in 16-bit cells whose top four bits hold
     * 1010 regardless of the value, as old scanners left overlays there; slope 2, intercept 0.5.
     */
    static SyntheticImage signed12BitsInNoisyCells() {
        int[][] values = values(1, 32, 40, (f, y, x) -> (x * 29 + y * 31) % 4000 - 2000);
        int[][] cells = new int[1][values[0].length];
        for (int i = 0; i < cells[0].length; i++) {
            cells[0][i] = 0xA000 | values[0][i] & 0x0FFF;
        }
        return new SyntheticImage("ct12", CT_IMAGE_STORAGE, "CT", 32, 40, 16, 12, true, "MONOCHROME2", 2, 0.5, values,
                cells);
    }

    /** The same image with the value range of 12 unsigned bits, for JPEG Extended (Process 4). */
    static SyntheticImage unsigned12Bits() {
        int[][] values = values(1, 32, 40, (f, y, x) -> (x * 29 + y * 31) % 4000);
        return new SyntheticImage("u12", CT_IMAGE_STORAGE, "CT", 32, 40, 16, 12, false, "MONOCHROME2", 1, -1024, values,
                values);
    }

    int frames() {
        return stored.length;
    }

    String seriesInstanceUid() {
        return UID_ROOT + ".2." + Math.abs(name.hashCode());
    }

    String sopInstanceUid() {
        return UID_ROOT + ".3." + Math.abs(name.hashCode());
    }

    /** What the reader must return for frame {@code frame}: MONOCHROME1 inverted, then rescaled. */
    float[] expectedFrame(int frame) {
        int max = signed ? (1 << bitsStored - 1) - 1 : (1 << bitsStored) - 1;
        int min = signed ? -(1 << bitsStored - 1) : 0;
        float[] expected = new float[stored[frame].length];
        for (int i = 0; i < expected.length; i++) {
            int value = "MONOCHROME1".equals(photometric) ? min + max - stored[frame][i] : stored[frame][i];
            expected[i] = (float) (value * slope + intercept);
        }
        return expected;
    }

    /** Everything but Pixel Data, with a patient name and ID that must never appear in a message. */
    DicomDump dumpWithoutPixelData() {
        DicomDump dump = new DicomDump()
                .set("(0002,0010) UI =LittleEndianExplicit")
                .set("(0008,0005) CS [ISO_IR 100]")
                .set("(0008,0016) UI [" + sopClassUid + "]")
                .set("(0008,0018) UI [" + sopInstanceUid() + "]")
                .set("(0008,0060) CS [" + modality + "]")
                .set("(0008,103e) LO [synthetic " + name + "]")
                .set("(0010,0010) PN [" + PATIENT_NAME + "]")
                .set("(0010,0020) LO [" + PATIENT_ID + "]")
                .set("(0020,000d) UI [" + STUDY_INSTANCE_UID + "]")
                .set("(0020,000e) UI [" + seriesInstanceUid() + "]")
                .set("(0020,0011) IS [7]")
                .set("(0020,0013) IS [3]")
                .set("(0028,0002) US 1")
                .set("(0028,0004) CS [" + photometric + "]")
                .set("(0028,0010) US " + rows)
                .set("(0028,0011) US " + columns)
                .set("(0028,0030) DS [0.5\\0.75]")
                .set("(0028,0100) US " + bitsAllocated)
                .set("(0028,0101) US " + bitsStored)
                .set("(0028,0102) US " + (bitsStored - 1))
                .set("(0028,0103) US " + (signed ? 1 : 0))
                .set("(0028,1050) DS [40\\400]")
                .set("(0028,1051) DS [400\\1500]")
                .set("(0028,1052) DS [" + intercept + "]")
                .set("(0028,1053) DS [" + slope + "]");
        if (frames() > 1) {
            dump.set("(0028,0008) IS [" + frames() + "]");
        }
        return dump;
    }

    /** The full dump; its Pixel Data comes from {@code name.raw}, written beside it by {@link #write}. */
    DicomDump dump() {
        return dumpWithoutPixelData().set("(7fe0,0010) " + (bitsAllocated == 8 ? "OB" : "OW") + " =" + name + ".raw");
    }

    /** Writes {@code name.dcm} (explicit VR little endian) into {@code directory}. */
    Path write(Path directory) {
        return write(directory, dump(), name);
    }

    /** Writes {@code dump}, whose Pixel Data is this image's, as {@code fileName.dcm}. */
    Path write(Path directory, DicomDump dump, String fileName, String... dump2dcmOptions) {
        try {
            Files.write(directory.resolve(name + ".raw"), littleEndian(cells));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dump.write(directory, fileName, dump2dcmOptions);
    }

    /**
     * Encodes each frame as a JPEG 2000 codestream with OpenJPEG's {@code opj_compress} and lets
     * dump2dcm wrap them as encapsulated Pixel Data, one fragment per frame.
     *
     * @param compressionRatio 0 for reversible coding (lossless, 1.2.840.10008.1.2.4.90), otherwise
     *     the ratio for irreversible coding (1.2.840.10008.1.2.4.91)
     */
    Path writeJpeg2000(Path directory, int compressionRatio) {
        boolean lossless = compressionRatio == 0;
        String fileName = name + (lossless ? "-j2k-lossless" : "-j2k-lossy");
        StringBuilder pixelData = new StringBuilder("(7fe0,0010) OB (PixelSequence)\n(fffe,e000) pi =")
                .append(fileName).append(".offsets\n");
        try {
            Files.write(directory.resolve(fileName + ".offsets"), new byte[0]);
            for (int frame = 0; frame < frames(); frame++) {
                String raw = fileName + "." + frame + ".rawl";
                String codestream = fileName + "." + frame + ".j2k";
                Files.write(directory.resolve(raw), littleEndian(new int[][] {stored[frame]}));
                List<String> command = new ArrayList<>(List.of("opj_compress", "-i", raw, "-o", codestream, "-F",
                        columns + "," + rows + ",1," + bitsAllocated + "," + (signed ? "s" : "u")));
                if (!lossless) {
                    command.addAll(List.of("-I", "-r", Integer.toString(compressionRatio)));
                }
                ImagingTools.run(directory, command.toArray(String[]::new));
                pixelData.append("(fffe,e000) pi =").append(codestream).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pixelData.append("(fffe,e0dd) na (SequenceDelimitationItem)");
        TransferSyntax syntax = lossless ? TransferSyntax.JPEG_2000_LOSSLESS : TransferSyntax.JPEG_2000;
        DicomDump dump = dumpWithoutPixelData()
                .set("(0002,0010) UI [" + syntax.uid() + "]")
                .set(pixelData.toString());
        return dump.write(directory, fileName);
    }

    private byte[] littleEndian(int[][] frames) {
        ByteBuffer raw = ByteBuffer.allocate(frames.length * rows * columns * bitsAllocated / 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int[] frame : frames) {
            for (int value : frame) {
                if (bitsAllocated == 8) {
                    raw.put((byte) value);
                } else {
                    raw.putShort((short) value);
                }
            }
        }
        return raw.array();
    }

    @FunctionalInterface
    private interface ValueAt {
        int at(int frame, int row, int column);
    }

    private static int[][] values(int frames, int rows, int columns, ValueAt value) {
        int[][] values = new int[frames][rows * columns];
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < columns; x++) {
                    values[f][y * columns + x] = value.at(f, y, x);
                }
            }
        }
        return values;
    }

    @Override
    public String toString() {
        return name;
    }
}
