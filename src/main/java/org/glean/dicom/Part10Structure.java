package org.glean.dicom;

/**
 * What the structural walk of a Part-10 file established before any toolkit parses it.
 *
 * @param transferSyntax the transfer syntax named by the file meta information
 * @param datasetEnd file offset just past the last element of the dataset: the file length,
 *     or where trailing zero padding starts (for a deflated dataset, the file length)
 * @param pixelData the top-level Pixel Data (7FE0,0010), or {@code null} when there is none
 * @param layout the top-level Image Pixel attributes that size Pixel Data
 */
record Part10Structure(TransferSyntax transferSyntax, long datasetEnd, PixelData pixelData, PixelLayout layout) {

    /**
     * @param offset offset of the Pixel Data element (in the inflated dataset when deflated)
     * @param encapsulated whether it is a sequence of fragments rather than native bytes
     * @param nativeLength value length of native Pixel Data, 0 when encapsulated
     * @param frameFragments fragments after the Basic Offset Table, 0 when native
     */
    record PixelData(long offset, boolean encapsulated, long nativeLength, int frameFragments) {
    }

    /**
     * Rows (0028,0010), Columns (0028,0011), NumberOfFrames (0028,0008, 1 when absent),
     * SamplesPerPixel (0028,0002) and BitsAllocated (0028,0100); 0 where absent.
     */
    record PixelLayout(int rows, int columns, int numberOfFrames, int samplesPerPixel, int bitsAllocated) {

        long pixelCount() {
            return (long) rows * columns * numberOfFrames;
        }
    }
}
