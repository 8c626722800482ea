package org.glean.dicom;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A frame as a display shows it: stored values through RescaleSlope and RescaleIntercept to
 * modality values, then a VOI window (PS3.3 §C.11.2.1.2.1, the linear function) to 8-bit grey,
 * inverted for MONOCHROME1 so that the picture looks as the modality meant it.
 */
public final class RenderedFrame {

    private RenderedFrame() {
    }

    /**
     * A VOI window over modality values: those from {@code center − width/2} to
     * {@code center + width/2} spread over black to white.
     *
     * @param width at least 1
     */
    public record Window(double center, double width) {

        public Window {
            if (!Double.isFinite(center) || !Double.isFinite(width) || width < 1) {
                throw new IllegalArgumentException("a window needs a finite center and a width of at least 1");
            }
        }

        /** PS3.3 §C.11.2.1.2.1, linear, onto 0..255. */
        int grey(double value) {
            double lower = center - 0.5 - (width - 1) / 2;
            double upper = center - 0.5 + (width - 1) / 2;
            if (value <= lower) {
                return 0;
            }
            if (value > upper) {
                return 255;
            }
            return (int) Math.round(((value - (center - 0.5)) / (width - 1) + 0.5) * 255);
        }

        /** The window that spans exactly the values from {@code min} to {@code max}. */
        static Window spanning(double min, double max) {
            double width = Math.max(1, max - min + 1);
            return new Window(min + width / 2, width);
        }
    }

    /**
     * The frame at {@code index} of {@code frames} as an 8-bit grey image; {@code window} null
     * means the instance's first WindowCenter/WindowWidth, or without them the frame's own range
     * of modality values.
     */
    public static BufferedImage render(NativeFrames frames, int index, Window window) {
        DicomHeader header = frames.header();
        double[] values = modalityValues(header, frames.frames().get(index));
        Window applied = window != null ? window : instanceWindow(header, values);
        boolean invert = "MONOCHROME1".equals(header.photometricInterpretation());
        BufferedImage image = new BufferedImage(header.columns(), header.rows(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < values.length; i++) {
            int grey = applied.grey(values[i]);
            pixels[i] = (byte) (invert ? 255 - grey : grey);
        }
        return image;
    }

    private static Window instanceWindow(DicomHeader header, double[] values) {
        if (Double.isFinite(header.windowCenter()) && Double.isFinite(header.windowWidth())
                && header.windowWidth() >= 1) {
            return new Window(header.windowCenter(), header.windowWidth());
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        return Window.spanning(min, max);
    }

    private static double[] modalityValues(DicomHeader header, byte[] frame) {
        boolean signed = header.pixelRepresentation() == 1;
        int bytesPerCell = header.bitsAllocated() / 8;
        double[] values = new double[frame.length / bytesPerCell];
        for (int i = 0; i < values.length; i++) {
            int cell = bytesPerCell == 1 ? frame[i] : frame[2 * i] & 0xFF | frame[2 * i + 1] << 8;
            int stored = signed ? cell : cell & (bytesPerCell == 1 ? 0xFF : 0xFFFF);
            values[i] = stored * header.rescaleSlope() + header.rescaleIntercept();
        }
        return values;
    }
}
