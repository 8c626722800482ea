package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BoxCodingTest {

    private static final Box ANCHOR = new Box(0.5, 0.5, 0.2, 0.1);

    @Test
    void encodesOffsetsAsMethodDefines() {
        // ĝx = (0.52−0.5)/(0.1·0.2) = 1, ĝy = (0.47−0.5)/(0.1·0.1) = −3,
        // ĝw = ln(0.3/0.2)/0.2 = ln 1.5 / 0.2, ĝh = ln(0.05/0.1)/0.2 = −ln 2 / 0.2
        double[] code = BoxCoding.encode(new Box(0.52, 0.47, 0.3, 0.05), ANCHOR);
        assertThat(code[0]).isCloseTo(1.0, within(1e-12));
        assertThat(code[1]).isCloseTo(-3.0, within(1e-12));
        assertThat(code[2]).isCloseTo(2.027325540540822, within(1e-12));
        assertThat(code[3]).isCloseTo(-3.4657359027997265, within(1e-12));
    }

    @Test
    void decodeInvertsEncode() {
        Box box = new Box(0.31, 0.77, 0.08, 0.41);
        double[] c = BoxCoding.encode(box, ANCHOR);
        Box back = BoxCoding.decode(c[0], c[1], c[2], c[3], ANCHOR);
        assertThat(back.cx()).isCloseTo(box.cx(), within(1e-12));
        assertThat(back.cy()).isCloseTo(box.cy(), within(1e-12));
        assertThat(back.w()).isCloseTo(box.w(), within(1e-12));
        assertThat(back.h()).isCloseTo(box.h(), within(1e-12));
    }

    @Test
    void decodesZeroOffsetsToTheAnchor() {
        assertThat(BoxCoding.decode(0, 0, 0, 0, ANCHOR)).isEqualTo(ANCHOR);
    }

    @Test
    void keepsHugeSizeOffsetsFinite() {
        Box box = BoxCoding.decode(0, 0, 1e6, 1e6, ANCHOR);
        assertThat(box.w()).isCloseTo(200.0, within(1e-9));
        assertThat(box.h()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void refusesToEncodeAnEmptyBox() {
        assertThatThrownBy(() -> BoxCoding.encode(new Box(0.5, 0.5, 0, 0.1), ANCHOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero width");
    }

    @Test
    void intersectionOverUnionOfOverlappingBoxes() {
        // [0,2]×[0,2] and [1,3]×[1,2]: intersection 1, union 4 + 2 − 1 = 5
        assertThat(Box.fromCorners(0, 0, 2, 2).iou(Box.fromCorners(1, 1, 3, 2))).isCloseTo(0.2, within(1e-12));
        assertThat(Box.fromCorners(0, 0, 1, 1).iou(Box.fromCorners(1, 0, 2, 1))).isZero();
    }
}
