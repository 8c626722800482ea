package org.glean.synth;

import java.util.List;

/**
 * One synthetic image (a CT slice or a DX projection) with its ground truth and the knobs drawn
 * for it.
 *
 * @param sopInstanceUid its SOPInstanceUID
 * @param instanceNumber its InstanceNumber, from 1
 * @param size Rows and Columns
 * @param pixels {@code size × size} row-major values in modality units (HU for CT), whole
 *     numbers exactly as the DICOM file's stored values and rescale give them back
 * @param boxes the objects visible on it; empty for a normal image
 * @param noise the noise level drawn for it (HU-equivalent standard deviation)
 * @param blur the Gaussian blur drawn for it (standard deviation in pixels)
 * @param shift the appearance shift applied to it
 * @param slicePosition CT: the slice's z in mm; 0 for DX
 */
public record SyntheticImage(
        String sopInstanceUid,
        int instanceNumber,
        int size,
        float[] pixels,
        List<ObjectBox> boxes,
        double noise,
        double blur,
        Shift shift,
        double slicePosition) {

    public SyntheticImage {
        boxes = List.copyOf(boxes);
    }
}
