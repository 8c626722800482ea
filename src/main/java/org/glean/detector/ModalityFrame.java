package org.glean.detector;

/**
 * One frame in modality units (HU for CT, raw values for DX), row-major, higher = brighter, with
 * the instance's Modality and its first WindowCenter/WindowWidth (NaN when absent).
 */
public record ModalityFrame(float[] pixels, int rows, int columns, String modality,
                            double windowCenter, double windowWidth) {

    public ModalityFrame {
        if (rows < 1 || columns < 1 || (long) rows * columns != pixels.length) {
            throw new IllegalArgumentException("frame of " + rows + " × " + columns + " needs "
                    + (long) rows * columns + " pixel values, got " + pixels.length);
        }
        modality = modality == null ? "" : modality;
    }

    public static ModalityFrame of(float[] pixels, int rows, int columns, String modality) {
        return new ModalityFrame(pixels, rows, columns, modality, Double.NaN, Double.NaN);
    }
}
