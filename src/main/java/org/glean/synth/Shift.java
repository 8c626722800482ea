package org.glean.synth;

import java.util.Locale;

/**
 * An appearance shift: a way in which an image departs from the training distribution, the
 * driver of epistemic uncertainty. Recorded per image in the COCO file's {@code shift} field.
 */
public enum Shift {

    /** In distribution. */
    NONE,

    /** Unseen contrast: intensities compressed towards a pivot, objects and anatomy fainter. */
    CONTRAST,

    /** Unseen texture: a periodic artefact pattern (stripes and rings) over the whole image. */
    TEXTURE,

    /** Unseen scale: anatomy and objects zoomed by 0.55–0.7 or 1.5–1.8 (a different field of view). */
    SCALE,

    /** Site B: inverted contrast, values mirrored so that objects are darker than their surroundings. */
    INVERTED,

    /** Site B: artefacts unlike site A's: detector tile seams with gain steps, and streaks from a point. */
    ARTEFACT,

    /** Site B: objects 1.8–2.4 times their usual size in an anatomy of the usual size. */
    ENLARGED,

    /** Site B: objects of unseen shapes: square-ish or rings. */
    SHAPE;

    /** The name in COCO files and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The shift named {@code label} (its {@link #label()}, e.g. "contrast" or "none"). */
    public static Shift fromLabel(String label) {
        for (Shift shift : values()) {
            if (shift.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                return shift;
            }
        }
        throw new IllegalArgumentException("unknown shift '" + label + "': expected none, contrast, texture, scale "
                + "(site A), inverted, artefact, enlarged or shape (site B)");
    }
}
