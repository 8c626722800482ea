package org.glean.dicom;

import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;

/** Value-for-value comparison of decoded frames, fast enough for whole multi-frame images. */
final class FrameAssertions {

    private FrameAssertions() {
    }

    /** Fails at the first pixel where {@code actual} differs from {@code expected}. */
    static void assertSameValues(float[] actual, float[] expected, String what) {
        if (actual.length != expected.length) {
            fail("%s has %d values, expected %d", what, actual.length, expected.length);
        }
        int first = Arrays.mismatch(actual, expected);
        if (first >= 0) {
            fail("%s differs first at pixel %d: %s where %s was expected", what, first, actual[first], expected[first]);
        }
    }
}
