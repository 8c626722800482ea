package org.glean.dicom;

import java.util.List;

/**
 * An instance's frames decoded to modality units: stored values (the low BitsStored bits of each
 * cell, sign-extended when PixelRepresentation is 1), then RescaleSlope and RescaleIntercept (HU
 * for CT). Each frame is {@code rows × columns} floats in row-major order. MONOCHROME1 is
 * inverted over the stored range (min + max − value) before rescaling, so that higher always
 * means brighter.
 */
public record DecodedImage(DicomHeader header, List<float[]> frames) {
}
