package org.glean.inference;

import java.util.List;
import org.glean.proto.v1.BoundingBox;
import org.glean.proto.v1.DetectedObject;
import org.glean.proto.v1.Frame;
import org.glean.proto.v1.FrameObjects;
import org.glean.proto.v1.Uncertainty;
import org.glean.detector.ModalityFrame;
import org.glean.detector.PixelBox;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.StandardizedUncertainty;

/** Between the contract's messages (proto/glean/v1) and the inference package's values. */
public final class InferenceMessages {

    private InferenceMessages() {
    }

    public static Frame frame(ModalityFrame frame) {
        Frame.Builder message = Frame.newBuilder()
                .setRows(frame.rows())
                .setColumns(frame.columns())
                .setModality(frame.modality())
                .setWindowCenter(frame.windowCenter())
                .setWindowWidth(frame.windowWidth());
        for (float pixel : frame.pixels()) {
            message.addPixels(pixel);
        }
        return message.build();
    }

    /** @throws IllegalArgumentException when the pixel count is not rows × columns or a pixel is not finite */
    public static ModalityFrame frame(Frame message, int index) {
        float[] pixels = new float[message.getPixelsCount()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = message.getPixels(i);
            if (!Float.isFinite(pixels[i])) {
                throw new IllegalArgumentException("frame " + index + ": pixel " + i + " is not finite");
            }
        }
        try {
            return new ModalityFrame(pixels, message.getRows(), message.getColumns(), message.getModality(),
                    message.getWindowCenter(), message.getWindowWidth());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("frame " + index + ": " + e.getMessage(), e);
        }
    }

    public static FrameObjects frameObjects(List<FoundObject> objects) {
        FrameObjects.Builder message = FrameObjects.newBuilder();
        for (FoundObject object : objects) {
            message.addObjects(DetectedObject.newBuilder()
                    .setBox(box(object.box()))
                    .setLabel(object.label())
                    .setScore(object.score())
                    .setRaw(uncertainty(object.raw())));
        }
        return message.build();
    }

    public static List<FoundObject> foundObjects(FrameObjects message) {
        return message.getObjectsList().stream()
                .map(o -> new FoundObject(new PixelBox(o.getBox().getXmin(), o.getBox().getYmin(), o.getBox().getXmax(),
                        o.getBox().getYmax()), o.getLabel(), o.getScore(), new ObjectUncertainty(
                        o.getRaw().getEpistemicLocalization(), o.getRaw().getAleatoricLocalization(),
                        o.getRaw().getEpistemicClassification(), o.getRaw().getAleatoricClassification())))
                .toList();
    }

    public static BoundingBox box(PixelBox box) {
        return BoundingBox.newBuilder().setXmin(box.xmin()).setYmin(box.ymin()).setXmax(box.xmax())
                .setYmax(box.ymax()).build();
    }

    public static Uncertainty uncertainty(ObjectUncertainty u) {
        return Uncertainty.newBuilder()
                .setEpistemicLocalization(u.epistemicLocalization())
                .setAleatoricLocalization(u.aleatoricLocalization())
                .setEpistemicClassification(u.epistemicClassification())
                .setAleatoricClassification(u.aleatoricClassification())
                .build();
    }

    public static Uncertainty uncertainty(StandardizedUncertainty z) {
        return Uncertainty.newBuilder()
                .setEpistemicLocalization(z.epistemicLocalization())
                .setAleatoricLocalization(z.aleatoricLocalization())
                .setEpistemicClassification(z.epistemicClassification())
                .setAleatoricClassification(z.aleatoricClassification())
                .build();
    }
}
