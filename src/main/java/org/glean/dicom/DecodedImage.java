package org.glean.dicom;

import java.util.List;

/**
 * An instance's frames decoded to modality units: stored values with the sign of
 * PixelRepresentation applied, then RescaleSlope and RescaleIntercept (HU for CT). Each frame
 * is {@code rows × columns} floats in row-major order; MONOCHROME1 is inverted so that higher
 * always means brighter.
 */
public record DecodedImage(DicomHeader header, List<float[]> frames) {
}
