package org.glean.dicom;

/**
 * Turns pixel cells as a codec hands them over into modality units. Only the low
 * {@code bitsStored} bits of a cell hold the stored value (HighBit = BitsStored − 1); the bits
 * above may hold anything (old overlays, or a decoder's sign extension), so they are masked off
 * and, for two's complement data, the sign is extended from bit {@code bitsStored − 1}.
 * MONOCHROME1 is inverted over the stored range (min + max − value) so that higher always means
 * brighter; then RescaleSlope and RescaleIntercept apply.
 */
record StoredValueMapping(int bitsStored, boolean signed, boolean monochrome1, double slope, double intercept) {

    StoredValueMapping {
        if (bitsStored < 1 || bitsStored > 16) {
            throw new IllegalArgumentException("BitsStored must be 1 to 16, was " + bitsStored);
        }
    }

    // One branch-free loop per kind of cell, so that the compiler can vectorise it: frames are
    // large and every instance is decoded on arrival.
    void apply(int[] cells, float[] out) {
        int shift = 32 - bitsStored;
        int min = signed ? -(1 << (bitsStored - 1)) : 0;
        int max = signed ? (1 << (bitsStored - 1)) - 1 : (1 << bitsStored) - 1;
        // MONOCHROME1: min + max − value; otherwise value.
        int offset = monochrome1 ? min + max : 0;
        int direction = monochrome1 ? -1 : 1;
        if (signed) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((offset + direction * (cells[i] << shift >> shift)) * slope + intercept);
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((offset + direction * (cells[i] << shift >>> shift)) * slope + intercept);
            }
        }
    }
}
