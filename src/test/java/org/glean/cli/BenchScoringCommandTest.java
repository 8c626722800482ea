package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.glean.bench.GcLogHeap;
import org.glean.bench.ScoringBenchmark;
import org.glean.bench.ServerLaunch;
import org.glean.cli.GleanRun.Output;
import org.glean.metrics.PipelineStage;
import org.glean.metrics.PipelineTimes;
import org.glean.metrics.PipelineTimes.Total;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code glean bench-scoring} says before it starts anything; the benchmark itself is a command, not a test. */
class BenchScoringCommandTest {

    @TempDir
    Path dir;

    @Test
    void refusesToStartWithoutTheGleanJarAndSaysHowToBuildIt() {
        Output run = glean("bench-scoring", "--server-jar", dir.resolve("missing.jar").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no Glean jar at").contains("make package");
    }

    @Test
    void refusesImagesSmallerThanThePhantomsCanBe() {
        Output run = glean("bench-scoring", "--size", "32");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("64 ≤ --size ≤ 2048");
    }

    @Test
    void judgesTheInferenceGoalOnTheDetectorsShareOfTheWallTime() {
        // 10 studies in 10 s; the detector ran 9 s of it; each call 4 s = 0.9 s inference + 2.8 s waiting + 0.3 s rest
        String busy = printed(Duration.ofSeconds(9));

        assertThat(busy).contains("the detector was busy 90.0% of it (goal ≥ 85%: met)")
                .contains("wall time 4000 ms = inference 900 ms + waiting for the detector while other studies' "
                        + "batches held it 2800 ms + the rest of the pipeline 300 ms (7.5% of the wall time)")
                .contains("its wall time less the detector waits): 75.0%; of the stages' times summed (they "
                        + "overlap): 90.0%")
                .contains("peak in use 512 MiB").contains("(goal < 1 GiB: met)");
        assertThat(printed(Duration.ofMillis(8400))).contains("busy 84.0% of it (goal ≥ 85%: not met)");
    }

    private String printed(Duration inference) {
        PipelineTimes server = new PipelineTimes(
                Map.of(PipelineStage.INFERENCE, new Total(20, inference),
                        PipelineStage.PERSISTENCE, new Total(10, inference.dividedBy(9))),
                new Total(10, Duration.ofSeconds(40)), new Total(10, Duration.ofSeconds(28)));
        ScoringBenchmark.Report report = new ScoringBenchmark.Report(
                new ScoringBenchmark.Settings(10, 4, 16, 256, 0, 1,
                        ServerLaunch.tls(dir.resolve("glean.jar"), List.of("-Xmx2g")), dir),
                Duration.ofSeconds(10), Collections.nCopies(10, Duration.ofSeconds(4)), server, Duration.ofSeconds(3),
                new GcLogHeap(512L << 20, 100L << 20, 600L << 20, 5), 1.0, 1.0, "v1", 40, 10, Duration.ofNanos(150_000));
        StringWriter text = new StringWriter();
        BenchScoringCommand.print(report, "2026-11-27", new PrintWriter(text));
        return text.toString();
    }

    @Test
    void saysWhichTransportTheCallsUsedAndWhatATokenCosts() {
        assertThat(printed(Duration.ofSeconds(9))).contains("gRPC over TLS with a bearer token")
                .contains("| bearer token verification per call (one per study; this JVM, the server's verifier) | 0.150 ms |");
    }

    @Test
    void refusesATransportItDoesNotKnow() {
        Output run = glean("bench-scoring", "--transport", "QUIC");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--transport").contains("TLS, PLAINTEXT");
    }

    @Test
    void isListedAmongTheCommands() {
        Output run = glean("--help");

        assertThat(run.out()).contains("bench-scoring");
    }
}
