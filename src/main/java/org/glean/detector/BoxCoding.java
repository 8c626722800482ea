package org.glean.detector;

/**
 * SSD offset coding of a box against an anchor (method.md §1):
 * {@code ĝx = (gcx − dcx)/(0.1·dw)}, {@code ĝy = (gcy − dcy)/(0.1·dh)},
 * {@code ĝw = log(gw/dw)/0.2}, {@code ĝh = log(gh/dh)/0.2}; {@link #decode} is its inverse.
 */
public final class BoxCoding {

    public static final double CENTER_VARIANCE = 0.1;
    public static final double SIZE_VARIANCE = 0.2;
    /**
     * Decoded sizes stop growing at 1000 × the anchor: far beyond any image (the smallest default
     * anchor is one cell of the first feature map), it keeps an untrained network's outputs finite.
     */
    private static final double MAX_LOG_SCALE = Math.log(1000);

    private BoxCoding() {
    }

    /** Offsets {x, y, w, h} of {@code box} against {@code anchor}; the box needs positive size. */
    public static double[] encode(Box box, Box anchor) {
        if (!(box.w() > 0) || !(box.h() > 0)) {
            throw new IllegalArgumentException("cannot encode a box of zero width or height: " + box);
        }
        return new double[] {
            (box.cx() - anchor.cx()) / (CENTER_VARIANCE * anchor.w()),
            (box.cy() - anchor.cy()) / (CENTER_VARIANCE * anchor.h()),
            Math.log(box.w() / anchor.w()) / SIZE_VARIANCE,
            Math.log(box.h() / anchor.h()) / SIZE_VARIANCE,
        };
    }

    /**
     * The box that offsets {@code x, y, w, h} describe against {@code anchor}; size offsets above
     * {@code log(1000)/0.2} count as that much.
     */
    public static Box decode(double x, double y, double w, double h, Box anchor) {
        return new Box(
                anchor.cx() + x * CENTER_VARIANCE * anchor.w(),
                anchor.cy() + y * CENTER_VARIANCE * anchor.h(),
                anchor.w() * Math.exp(Math.min(w * SIZE_VARIANCE, MAX_LOG_SCALE)),
                anchor.h() * Math.exp(Math.min(h * SIZE_VARIANCE, MAX_LOG_SCALE)));
    }
}
