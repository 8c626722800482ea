package org.glean.dicom;

/** Formats DICOM tags the way the standard prints them, e.g. {@code (7FE0,0010)}. */
final class DicomTag {

    static final int ITEM = 0xFFFEE000;
    static final int ITEM_DELIMITATION = 0xFFFEE00D;
    static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;
    static final int TRANSFER_SYNTAX_UID = 0x00020010;
    static final int FILE_META_INFORMATION_GROUP_LENGTH = 0x00020000;
    static final int SAMPLES_PER_PIXEL = 0x00280002;
    static final int NUMBER_OF_FRAMES = 0x00280008;
    static final int ROWS = 0x00280010;
    static final int COLUMNS = 0x00280011;
    static final int BITS_ALLOCATED = 0x00280100;
    static final int PIXEL_DATA = 0x7FE00010;

    private DicomTag() {
    }

    static String format(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    static String format(int group, int element) {
        return format(group << 16 | element);
    }
}
