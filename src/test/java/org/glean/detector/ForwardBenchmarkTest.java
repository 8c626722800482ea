package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.glean.bench.PhantomBatch;
import org.junit.jupiter.api.Test;

class ForwardBenchmarkTest {

    @Test
    void reportsTheMeasurementsItWasAskedFor() {
        DetectorConfig config = TinyNetworks.config().withHead(HeadType.PLAIN).withDropout(0.2);
        try (Detector detector = Detector.create(config, TinyNetworks.preprocessing())) {
            ForwardBenchmark.Result single = ForwardBenchmark.measure(detector, ForwardBenchmark.Stage.FORWARD, phantoms(2), 1, 1, 3);
            ForwardBenchmark.Result monteCarlo = ForwardBenchmark.measure(detector, ForwardBenchmark.Stage.FORWARD, phantoms(2), 5, 1, 3);
            ForwardBenchmark.Result detect = ForwardBenchmark.measure(detector, ForwardBenchmark.Stage.DETECT, phantoms(2), 1, 1, 3);
            assertThat(single.batchSize()).isEqualTo(2);
            assertThat(single.measurements()).isEqualTo(3);
            assertThat(single.medianMillis()).isPositive();
            assertThat(single.imagesPerSecond()).isEqualTo(2000 / single.medianMillis());
            assertThat(monteCarlo.passes()).isEqualTo(5);
            assertThat(detect.stage()).isEqualTo(ForwardBenchmark.Stage.DETECT);
            assertThat(detect.medianMillis()).isPositive();
        }
    }

    @Test
    void interleavedTrialsAreReportedInTheirOrderEachWithItsOwnStageAndPasses() {
        DetectorConfig config = TinyNetworks.config().withHead(HeadType.PLAIN).withDropout(0.2);
        try (Detector detector = Detector.create(config, TinyNetworks.preprocessing())) {
            List<ForwardBenchmark.Result> results = ForwardBenchmark.interleaved(List.of(
                    new ForwardBenchmark.Trial(detector, ForwardBenchmark.Stage.DETECT, 1),
                    new ForwardBenchmark.Trial(detector, ForwardBenchmark.Stage.FORWARD, 4)), phantoms(2), 1, 3);

            assertThat(results).extracting(ForwardBenchmark.Result::stage, ForwardBenchmark.Result::passes,
                    ForwardBenchmark.Result::measurements)
                    .containsExactly(tuple(ForwardBenchmark.Stage.DETECT, 1, 3), tuple(ForwardBenchmark.Stage.FORWARD, 4, 3));
            assertThat(results).allSatisfy(r -> assertThat(r.medianMillis()).isPositive());
        }
    }

    @Test
    void aDetectionIsOnePass() {
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            assertThatThrownBy(() -> new ForwardBenchmark.Trial(detector, ForwardBenchmark.Stage.DETECT, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("MC-dropout passes as FORWARD");
        }
    }

    @Test
    void monteCarloPassesNeedDropout() {
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            assertThatThrownBy(() -> ForwardBenchmark.measure(detector, ForwardBenchmark.Stage.FORWARD, phantoms(1), 25, 0, 1))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anEmptyBatchIsRefused() {
        try (Detector detector = Detector.create(TinyNetworks.config(), TinyNetworks.preprocessing())) {
            assertThatThrownBy(() -> ForwardBenchmark.measure(detector, ForwardBenchmark.Stage.FORWARD, List.of(), 1, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need a trial, an image");
        }
    }

    private static List<PreprocessedImage> phantoms(int count) {
        return PhantomBatch.of(TinyNetworks.preprocessing(), count, 11);
    }
}
