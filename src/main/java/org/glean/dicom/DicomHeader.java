package org.glean.dicom;

/**
 * What Glean needs of one instance's header, read and validated: identity, grouping, and the
 * Image Pixel and Modality LUT attributes that decoding depends on. UIDs are validated DICOM
 * UIDs (digits and dots, at most 64 characters) and never contain path characters.
 *
 * @param transferSyntaxUid TransferSyntaxUID (0002,0010) from the file meta information
 * @param sopClassUid SOPClassUID (0008,0016)
 * @param sopInstanceUid SOPInstanceUID (0008,0018)
 * @param studyInstanceUid StudyInstanceUID (0020,000D)
 * @param seriesInstanceUid SeriesInstanceUID (0020,000E)
 * @param modality Modality (0008,0060), empty when absent
 * @param seriesNumber SeriesNumber (0020,0011), 0 when absent
 * @param instanceNumber InstanceNumber (0020,0013), 0 when absent
 * @param rows Rows (0028,0010), 0 for a SOP class without pixel data
 * @param columns Columns (0028,0011)
 * @param numberOfFrames NumberOfFrames (0028,0008), 1 when absent
 * @param samplesPerPixel SamplesPerPixel (0028,0002)
 * @param bitsAllocated BitsAllocated (0028,0100)
 * @param bitsStored BitsStored (0028,0101)
 * @param pixelRepresentation PixelRepresentation (0028,0103): 0 unsigned, 1 two's complement
 * @param photometricInterpretation PhotometricInterpretation (0028,0004)
 * @param rescaleSlope RescaleSlope (0028,1053), 1 when absent
 * @param rescaleIntercept RescaleIntercept (0028,1052), 0 when absent
 * @param windowCenter first WindowCenter (0028,1050), NaN when absent
 * @param windowWidth first WindowWidth (0028,1051), NaN when absent
 * @param pixelSpacingRow PixelSpacing (0028,0030) between rows in mm, NaN when absent
 * @param pixelSpacingColumn PixelSpacing (0028,0030) between columns in mm, NaN when absent
 */
public record DicomHeader(
        String transferSyntaxUid,
        String sopClassUid,
        String sopInstanceUid,
        String studyInstanceUid,
        String seriesInstanceUid,
        String modality,
        int seriesNumber,
        int instanceNumber,
        int rows,
        int columns,
        int numberOfFrames,
        int samplesPerPixel,
        int bitsAllocated,
        int bitsStored,
        int pixelRepresentation,
        String photometricInterpretation,
        double rescaleSlope,
        double rescaleIntercept,
        double windowCenter,
        double windowWidth,
        double pixelSpacingRow,
        double pixelSpacingColumn) {
}
