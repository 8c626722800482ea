package org.glean.dicom;

/**
 * The SOP classes that {@link DicomImageWriter} writes, each with the modality and the pixel
 * representation its Image Pixel module carries.
 */
public enum ImageSopClass {

    /** CT Image Storage: 16-bit two's complement stored values in HU (slope 1, intercept 0). */
    CT_IMAGE("1.2.840.10008.5.1.4.1.1.2", "CT", 1),

    /** Digital X-Ray Image Storage – For Presentation: 16-bit unsigned stored values. */
    DIGITAL_XRAY_FOR_PRESENTATION("1.2.840.10008.5.1.4.1.1.1.1", "DX", 0),

    /**
     * Multi-frame Grayscale Word Secondary Capture Image Storage: 16-bit unsigned frames of a
     * synthetic image. The CT and DX IODs above are single-frame; this one holds several frames.
     */
    MULTIFRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE("1.2.840.10008.5.1.4.1.1.7.3", "OT", 0);

    private final String uid;
    private final String modality;
    private final int pixelRepresentation;

    ImageSopClass(String uid, String modality, int pixelRepresentation) {
        this.uid = uid;
        this.modality = modality;
        this.pixelRepresentation = pixelRepresentation;
    }

    /** SOPClassUID (0008,0016). */
    public String uid() {
        return uid;
    }

    /** Modality (0008,0060). */
    public String modality() {
        return modality;
    }

    /** PixelRepresentation (0028,0103): 1 for signed stored values, 0 for unsigned. */
    public int pixelRepresentation() {
        return pixelRepresentation;
    }

    /** Whether the IOD allows more than one frame per instance. */
    public boolean multiFrame() {
        return this == MULTIFRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE;
    }

    /** The smallest stored value this SOP class's 16-bit pixels can hold. */
    public int minStoredValue() {
        return pixelRepresentation == 1 ? Short.MIN_VALUE : 0;
    }

    /** The largest stored value this SOP class's 16-bit pixels can hold. */
    public int maxStoredValue() {
        return pixelRepresentation == 1 ? Short.MAX_VALUE : 0xFFFF;
    }
}
