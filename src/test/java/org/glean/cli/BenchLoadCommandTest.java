package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.glean.bench.GcLogHeap;
import org.glean.bench.LoadBenchmark;
import org.glean.bench.ServerLaunch;
import org.glean.cli.GleanRun.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code glean bench-load} says before it starts anything, and how it reports; the soak itself is a command. */
class BenchLoadCommandTest {

    @TempDir
    Path dir;

    @Test
    void refusesADurationItCannotRead() {
        Output run = glean("bench-load", "--duration", "soon");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("a --duration such as 2M or 90S");
    }

    @Test
    void refusesToStartWithoutTheGleanJarAndSaysHowToBuildIt() {
        Output run = glean("bench-load", "--duration", "1S", "--server-jar", dir.resolve("missing.jar").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no Glean jar at").contains("make package");
    }

    @Test
    void reportsRatesAndPercentilesAndSaysWhenACheckFailed() {
        LoadBenchmark.Settings settings = new LoadBenchmark.Settings(8, 4, Duration.ofSeconds(10), 4, 256,
                ServerLaunch.tls(dir.resolve("glean.jar"), List.of("-Xmx2g")), dir);
        List<Duration> latencies = List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(900));
        LoadBenchmark.Report sound = new LoadBenchmark.Report(settings, Duration.ofSeconds(10), latencies, 12, 5, 5, 0,
                0, 0, 0, 0, new GcLogHeap(512L << 20, 200L << 20, 1L << 30, 3), 900L << 20, 1.0, 2.0);
        LoadBenchmark.Report lost = new LoadBenchmark.Report(settings, Duration.ofSeconds(10), latencies, 12, 5, 5, 0,
                1, 0, 0, 0, new GcLogHeap(512L << 20, 200L << 20, 1L << 30, 3), 900L << 20, 1.0, 2.0);

        assertThat(printed(sound)).contains("| instances/s | 1.2 |").contains("| latency per study, p50 | 200 ms |")
                .contains("| latency per study, p99 | 900 ms |").contains("| claims/s | 0.50 (5 claimed, 5 submitted) |")
                .contains("| server peak resident set (VmHWM) | 900 MiB |")
                .contains("Checks: nothing lost, nothing twice.");
        assertThat(printed(lost)).contains("| acknowledged instances lost / held twice | 1 / 0 |")
                .contains("Checks FAILED");
    }

    private static String printed(LoadBenchmark.Report report) {
        StringWriter text = new StringWriter();
        BenchLoadCommand.print(report, "2026-12-06T06:00Z", new PrintWriter(text));
        return text.toString();
    }
}
