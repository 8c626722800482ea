package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorsTest {

    @Test
    void laysOutBoxesByMapRowColumnThenShape() {
        Anchors anchors = Anchors.generate(List.of(
                new FeatureMapAnchors(2, 0.25, 1.0, List.of(2.0)),
                new FeatureMapAnchors(1, 0.5, 0.5, List.of())));
        assertThat(anchors.count()).isEqualTo(2 * 2 * 4 + 2);
        assertBox(anchors.get(0), 0.25, 0.25, 0.25, 0.25);
        assertBox(anchors.get(1), 0.25, 0.25, 0.5, 0.5); // sqrt(0.25 · 1.0)
        assertBox(anchors.get(2), 0.25, 0.25, 0.25 * Math.sqrt(2), 0.25 / Math.sqrt(2));
        assertBox(anchors.get(3), 0.25, 0.25, 0.25 / Math.sqrt(2), 0.25 * Math.sqrt(2));
        assertBox(anchors.get(4), 0.75, 0.25, 0.25, 0.25); // row 0, column 1
        assertBox(anchors.get(8), 0.25, 0.75, 0.25, 0.25); // row 1, column 0
        assertBox(anchors.get(16), 0.5, 0.5, 0.5, 0.5);   // second map
        assertBox(anchors.get(17), 0.5, 0.5, 0.5, 0.5);
    }

    @Test
    void defaultLayoutDoublesScaleFromMapToMap() {
        List<FeatureMapAnchors> maps = FeatureMapAnchors.defaultsFor(List.of(32, 16, 8, 4));
        assertThat(maps).extracting(FeatureMapAnchors::minScale).containsExactly(1.0 / 32, 2.0 / 32, 4.0 / 32, 8.0 / 32);
        assertThat(maps).extracting(FeatureMapAnchors::maxScale).containsExactly(2.0 / 32, 4.0 / 32, 8.0 / 32, 16.0 / 32);
        assertThat(Anchors.generate(maps).count()).isEqualTo((32 * 32 + 16 * 16 + 8 * 8 + 4 * 4) * 4);
    }

    @Test
    void defaultConfigurationHasFourMapsFor256Pixels() {
        DetectorConfig config = DetectorConfig.defaults(256, DetectorConfig.DEFAULT_CLASSES);
        assertThat(config.anchors()).extracting(FeatureMapAnchors::size).containsExactly(32, 16, 8, 4);
        assertThat(config.generateAnchors().count()).isEqualTo(5440);
    }

    private static void assertBox(Box box, double cx, double cy, double w, double h) {
        assertThat(box.cx()).isCloseTo(cx, within(1e-12));
        assertThat(box.cy()).isCloseTo(cy, within(1e-12));
        assertThat(box.w()).isCloseTo(w, within(1e-12));
        assertThat(box.h()).isCloseTo(h, within(1e-12));
    }
}
