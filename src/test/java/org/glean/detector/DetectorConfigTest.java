package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorConfigTest {

    @Test
    void rejectsWidthsThatAreNotMultiplesOf16() {
        assertThatThrownBy(() -> DetectorConfig.of(64, List.of(8, 16, 16, 16), 2, List.of(16), TinyNetworks.CLASSES, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples of 16, got 8");
    }

    @Test
    void rejectsAnInputThatTheLayersCannotHalveEvenly() {
        assertThatThrownBy(() -> DetectorConfig.of(96, List.of(16, 16, 16, 16), 2, List.of(16, 16), TinyNetworks.CLASSES, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 64");
    }

    @Test
    void rejectsAnchorsLaidOutForAnotherMap() {
        DetectorConfig config = TinyNetworks.config();
        List<FeatureMapAnchors> wrong = FeatureMapAnchors.defaultsFor(List.of(8, 4, 4));
        assertThatThrownBy(() -> new DetectorConfig(64, config.backboneChannels(), 2, config.extraChannels(), wrong,
                config.classes(), 2, HeadType.MDN, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feature map 2 is 2²");
    }

    @Test
    void countsOutputsPerAnchorForBothHeads() {
        DetectorConfig config = DetectorConfig.defaults(256, DetectorConfig.DEFAULT_CLASSES);
        // K = 4, C + 1 = 4: 3·4·4 localization + 2·4·4 classification + 4 weights
        assertThat(config.outputsPerAnchor()).isEqualTo(48 + 32 + 4);
        assertThat(config.withHead(HeadType.PLAIN).outputsPerAnchor()).isEqualTo(4 + 4);
    }

    @Test
    void survivesJson() {
        DetectorConfig config = DetectorConfig.defaults(256, DetectorConfig.DEFAULT_CLASSES).withDropout(0.1);
        Gson gson = new Gson();
        assertThat(gson.fromJson(gson.toJson(config), DetectorConfig.class)).isEqualTo(config);
    }
}
