package org.glean.synth;

import java.util.List;
import java.util.Locale;

/**
 * A phantom family: the hospital whose images a set stands for. Site A is the training
 * distribution; site B an unseen hospital, for evaluation only, whose anatomy, acquisition,
 * noise, objects and shifts are all drawn differently (same classes, same ground-truth contract).
 */
public enum Site {

    /** The training distribution. */
    A(256, 256, List.of(Shift.CONTRAST, Shift.TEXTURE, Shift.SCALE)),

    /** An unseen hospital, for evaluation only: a 512² DX detector by default; CT stays 256². */
    B(256, 512, List.of(Shift.INVERTED, Shift.ARTEFACT, Shift.ENLARGED, Shift.SHAPE));

    private final int defaultCtSize;
    private final int defaultDxSize;
    private final List<Shift> shiftKinds;

    Site(int defaultCtSize, int defaultDxSize, List<Shift> shiftKinds) {
        this.defaultCtSize = defaultCtSize;
        this.defaultDxSize = defaultDxSize;
        this.shiftKinds = shiftKinds;
    }

    /** CT Rows and Columns when the user names no size. */
    public int defaultCtSize() {
        return defaultCtSize;
    }

    /** DX Rows and Columns when the user names no size. */
    public int defaultDxSize() {
        return defaultDxSize;
    }

    /** The shifts this site can draw, and draws by default. */
    public List<Shift> shiftKinds() {
        return shiftKinds;
    }

    /** The name on the command line and in COCO info. */
    public String label() {
        return name();
    }

    /** The site named {@code label} ("A" or "B", either case). */
    public static Site fromLabel(String label) {
        for (Site site : values()) {
            if (site.label().equals(label.trim().toUpperCase(Locale.ROOT))) {
                return site;
            }
        }
        throw new IllegalArgumentException("unknown site '" + label + "': expected A or B");
    }
}
