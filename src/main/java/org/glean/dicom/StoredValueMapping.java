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

    void apply(int[] cells, float[] out) {
        int mask = (1 << bitsStored) - 1;
        int shift = 32 - bitsStored;
        int min = signed ? -(1 << (bitsStored - 1)) : 0;
        int max = signed ? (1 << (bitsStored - 1)) - 1 : mask;
        for (int i = 0; i < out.length; i++) {
            int value = cells[i] & mask;
            if (signed) {
                value = value << shift >> shift;
            }
            if (monochrome1) {
                value = min + max - value;
            }
            out[i] = (float) (value * slope + intercept);
        }
    }
}
