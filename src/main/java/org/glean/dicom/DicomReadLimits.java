package org.glean.dicom;

/**
 * Bounds on what reading one instance may cost, checked before any buffer of that size exists.
 *
 * @param maxElementBytes largest value length any single element may declare (Pixel Data
 *     included); a larger declared length is rejected as malformed
 * @param maxInflatedBytes largest size a deflated dataset may inflate to, so that a small
 *     "deflate bomb" cannot expand without bound
 * @param maxDecodedPixels largest Rows × Columns × NumberOfFrames that decoding will allocate
 *     floats for; compressed Pixel Data can declare far more than its bytes suggest
 */
public record DicomReadLimits(long maxElementBytes, long maxInflatedBytes, long maxDecodedPixels) {

    /** 1 GiB per element, 1 GiB inflated, 128 Mi pixels (512 MiB of floats). */
    public static DicomReadLimits defaults() {
        return new DicomReadLimits(1L << 30, 1L << 30, 128L << 20);
    }

    public DicomReadLimits {
        if (maxElementBytes <= 0 || maxInflatedBytes <= 0 || maxDecodedPixels <= 0) {
            throw new IllegalArgumentException("DICOM read limits must be positive");
        }
    }
}
