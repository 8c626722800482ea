package org.glean.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.glean.bench.GcLogHeap;
import org.glean.bench.ScoringBenchmark;
import org.glean.bench.ScoringBenchmark.Report;
import org.glean.metrics.PipelineStage;
import org.glean.metrics.PipelineTimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean bench-scoring}: IngestStudy with scoring under concurrent clients, measured by
 * {@link ScoringBenchmark}: studies/s, latency, where the server's time went, its heap; printed
 * as Markdown tables for docs/benchmarks.md.
 */
@Command(name = "bench-scoring", mixinStandardHelpOptions = true,
        description = {"Measures IngestStudy with scoring on loopback: concurrent clients send fresh phantom CT studies "
                + "with findings to a Glean server running its bundled model; prints studies/s, the latency per "
                + "study, the share of the server's time in each stage (from its own /q/metrics timers) and its "
                + "peak heap, as Markdown tables.",
                "Starts the Glean server from the packaged jar (build it with 'make package') as a child process in "
                        + "a temporary folder and stops it at the end. Writes nothing outside the temporary folder. "
                        + "Exit status: 0 when every study was stored and scored, 1 when the run failed, 2 for bad "
                        + "arguments."})
public final class BenchScoringCommand implements Callable<Integer> {

    /** The goal: inference (the detector busy) at least this share of the benchmark's wall time. */
    private static final double INFERENCE_SHARE_GOAL = 0.85;
    private static final long HEAP_GOAL_BYTES = 1L << 30;

    @Option(names = "--studies", defaultValue = "200", description = "measured studies (default: ${DEFAULT-VALUE})")
    int studies;

    @Option(names = "--clients", defaultValue = "4", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--slices", defaultValue = "16", description = "CT slices per study (default: ${DEFAULT-VALUE})")
    int slices;

    @Option(names = "--size", defaultValue = "256",
            description = "rows and columns of each slice (default: ${DEFAULT-VALUE}, the bundled model's input)")
    int size;

    @Option(names = "--warmup", defaultValue = "8",
            description = "studies sent first, not measured; 0 for none (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--seed", description = "the phantoms' seed (default: the clock, so that every run's UIDs are new)")
    Long seed;

    @Mixin
    BenchSupport server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (studies < 1 || clients < 1 || clients > 64 || slices < 1 || slices > 1000 || size < 64 || size > 2048
                || warmup < 0) {
            err.println("glean bench-scoring: need --studies ≥ 1, 1 ≤ --clients ≤ 64, 1 ≤ --slices ≤ 1000, "
                    + "64 ≤ --size ≤ 2048, --warmup ≥ 0");
            return 2;
        }
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return server.run("glean bench-scoring", err, (launch, workDir) -> {
            Report report = new ScoringBenchmark(new ScoringBenchmark.Settings(studies, clients, slices, size, warmup,
                    seed != null ? seed : System.currentTimeMillis(), launch, workDir), err).run();
            print(report, date, out);
        });
    }

    static void print(Report report, String date, PrintWriter out) {
        ScoringBenchmark.Settings settings = report.settings();
        int measured = report.latencies().size();
        out.printf("glean bench-scoring: %d studies (CT phantoms with findings, %d slices of %d×%d), %d concurrent "
                        + "clients, after a %d-study warm-up; gRPC over %s with a bearer token; model %s; server %s  %n",
                measured, settings.slices(), settings.size(), settings.size(), settings.clients(),
                settings.warmupStudies(), settings.server().transport(), report.modelVersion(),
                String.join(" ", settings.server().javaOptions()));
        out.printf("%s; %d cores (%s), load average %.1f → %.1f; Java %s%n%n", date,
                Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(), report.loadBefore(),
                report.loadAfter(), System.getProperty("java.runtime.version"));
        out.println("| | |");
        out.println("|---|---:|");
        out.printf("| studies/s | %.2f |%n", report.studiesPerSecond());
        out.printf("| slices/s | %.1f |%n", report.studiesPerSecond() * settings.slices());
        out.printf("| latency per study, p50 | %d ms |%n", report.latencyPercentile(50).toMillis());
        out.printf("| latency per study, p99 | %d ms |%n", report.latencyPercentile(99).toMillis());
        out.printf("| wall time | %.1f s |%n", seconds(report.elapsed()));
        out.printf("| server CPU per study (JVM and PostgreSQL) | %.0f ms |%n",
                seconds(report.serverCpu()) * 1000 / measured);
        out.printf("| objects found | %d (%.1f per study) |%n", report.objects(), (double) report.objects() / measured);
        out.printf("| studies queued for annotation (default policy) | %d |%n", report.queued());
        out.printf("| bearer token verification per call (one per study; this JVM, the server's verifier) | %.3f ms |%n%n",
                report.tokenVerification().toNanos() / 1e6);

        PipelineTimes server = report.server();
        double allStages = seconds(server.allStages());
        out.println("| server stage | runs | total s | ms per study | share of the stages' time |");
        out.println("|---|---:|---:|---:|---:|");
        for (PipelineStage stage : PipelineStage.values()) {
            PipelineTimes.Total total = server.stage(stage);
            double stageSeconds = seconds(total.time());
            out.printf("| %s | %d | %.2f | %.1f | %.1f%% |%n", stage.tag(), total.count(), stageSeconds,
                    stageSeconds * 1000 / measured, 100 * stageSeconds / allStages);
        }
        out.printf("| all stages | | %.2f | %.1f | 100%% |%n%n", allStages, allStages * 1000 / measured);

        double inference = seconds(server.stage(PipelineStage.INFERENCE).time());
        double busy = inference / seconds(report.elapsed());
        out.printf("Inference share of the wall time: the detector was busy %.1f%% of it (goal ≥ %.0f%%: %s)  %n",
                100 * busy, 100 * INFERENCE_SHARE_GOAL, busy >= INFERENCE_SHARE_GOAL ? "met" : "not met");
        long calls = Math.max(1, server.studies().count());
        double wall = seconds(server.studies().time()) / calls;
        double wait = seconds(server.detectorWaits().time()) / calls;
        double inferencePerCall = inference / calls;
        double rest = wall - inferencePerCall - wait;
        out.printf("Per study on the server (IngestStudy call, start to answer; %d answered): wall time %.0f ms = "
                        + "inference %.0f ms + waiting for the detector while other studies' batches held it %.0f ms "
                        + "+ the rest of the pipeline %.0f ms (%.1f%% of the wall time)  %n", server.studies().count(),
                wall * 1000, inferencePerCall * 1000, wait * 1000, rest * 1000, 100 * rest / wall);
        out.printf("Inference share of a study's own time (its wall time less the detector waits): %.1f%%; of the "
                + "stages' times summed (they overlap): %.1f%%  %n", 100 * inferencePerCall / (wall - wait),
                100 * inference / allStages);
        GcLogHeap heap = report.heap();
        out.printf("Server heap over the run (GC log, %d pauses, warm-up included): peak in use %d MiB, largest live "
                        + "set after a collection %d MiB, committed at most %d MiB (goal < 1 GiB: %s)%n",
                heap.pauses(), heap.peakUsedBytes() >> 20, heap.peakLiveBytes() >> 20,
                heap.peakCommittedBytes() >> 20, heap.peakUsedBytes() < HEAP_GOAL_BYTES ? "met" : "not met");
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
