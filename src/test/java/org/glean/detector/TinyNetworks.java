package org.glean.detector;

import java.util.List;

/** Small configurations that keep DJL tests fast. */
final class TinyNetworks {

    static final List<String> CLASSES = List.of("nodule", "mass");

    private TinyNetworks() {
    }

    /** 64² input, four stages of 16 channels, maps of 8², 4² and 2², K = 2, two classes. */
    static DetectorConfig config() {
        return DetectorConfig.of(64, List.of(16, 16, 16, 16), 2, List.of(16), CLASSES, 2);
    }

    static Preprocessing preprocessing() {
        return Preprocessing.defaults(64);
    }
}
