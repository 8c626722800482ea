package org.glean.dicom;

import java.util.List;

/**
 * Frames of an instance as native Pixel Data in Explicit VR Little Endian (1.2.840.10008.1.2.1)
 * would carry them, whatever syntax the instance is stored in: {@code rows × columns} cells of
 * BitsAllocated bits each, row-major, little endian. A cell holds the stored value, not the
 * modality value: no rescale, no MONOCHROME1 inversion. The bits above HighBit are cleared, or
 * copies of the sign bit when PixelRepresentation is 1, so that a viewer reading whole cells reads
 * the stored value whatever the file held there (old overlays, a codec's sign extension).
 *
 * @param header the instance's header
 * @param frames the frames asked for, in the order asked
 */
public record NativeFrames(DicomHeader header, List<byte[]> frames) {

    /** Transfer syntax of the frames' bytes. */
    public static final String TRANSFER_SYNTAX_UID = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();

    public NativeFrames {
        frames = List.copyOf(frames);
    }

    /** One frame's cells, as a codec or the file hand them over, written as stored values. */
    static byte[] encode(int[] cells, int bitsAllocated, int bitsStored, boolean signed) {
        int shift = 32 - bitsStored;
        byte[] out = new byte[cells.length * (bitsAllocated / 8)];
        if (bitsAllocated == 8) {
            for (int i = 0; i < cells.length; i++) {
                out[i] = (byte) (signed ? cells[i] << shift >> shift : cells[i] << shift >>> shift);
            }
        } else {
            for (int i = 0; i < cells.length; i++) {
                int value = signed ? cells[i] << shift >> shift : cells[i] << shift >>> shift;
                out[2 * i] = (byte) value;
                out[2 * i + 1] = (byte) (value >> 8);
            }
        }
        return out;
    }
}
