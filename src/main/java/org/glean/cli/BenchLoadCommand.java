package org.glean.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.glean.bench.GcLogHeap;
import org.glean.bench.LoadBenchmark;
import org.glean.bench.LoadBenchmark.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean bench-load}: the soak of {@link LoadBenchmark}, ingest clients and annotators
 * together for a while, printed as a Markdown table for docs/benchmarks.md, with its checks.
 */
@Command(name = "bench-load", mixinStandardHelpOptions = true,
        description = {"A soak on loopback: concurrent ingest clients send fresh CT studies over IngestStudy while "
                + "annotators (each their own user) claim and submit tasks, for a given time; prints instances/s, "
                + "the latency per study (p50, p99), claims/s, the server's peak heap and resident set, and checks at "
                + "the end that no acknowledged instance is lost or held twice and that no task was handed out twice.",
                "Starts the Glean server from the packaged jar (build it with 'make package') as a child process in "
                        + "a temporary folder and stops it at the end. Exit status: 0 when every check held, 1 when "
                        + "one did not or the run failed, 2 for bad arguments."})
public final class BenchLoadCommand implements Callable<Integer> {

    @Option(names = "--clients", defaultValue = "32", description = "concurrent ingest clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--annotators", defaultValue = "16", description = "concurrent annotators (default: ${DEFAULT-VALUE})")
    int annotators;

    @Option(names = "--duration", defaultValue = "10M",
            description = "how long they work, e.g. 2M or 90S (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--slices", defaultValue = "4", description = "CT slices per study (default: ${DEFAULT-VALUE})")
    int slices;

    @Option(names = "--size", defaultValue = "256", description = "rows and columns of each slice (default: ${DEFAULT-VALUE})")
    int size;

    @Mixin
    BenchSupport server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration length = BenchSupport.duration(duration);
        if (clients < 1 || clients > 64 || annotators < 0 || annotators > 64 || length.toSeconds() < 1
                || slices < 1 || slices > 1000 || size < 16 || size > 2048) {
            err.println("glean bench-load: need 1 ≤ --clients ≤ 64, 0 ≤ --annotators ≤ 64, a --duration such as 2M or "
                    + "90S, 1 ≤ --slices ≤ 1000, 16 ≤ --size ≤ 2048");
            return 2;
        }
        Duration runFor = length;
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        boolean[] consistent = {false};
        int status = server.run("glean bench-load", err, (launch, workDir) -> {
            Report report = new LoadBenchmark(new LoadBenchmark.Settings(clients, annotators, runFor, slices, size,
                    launch, workDir), err).run();
            print(report, date, out);
            consistent[0] = report.consistent();
        });
        return status != 0 ? status : consistent[0] ? 0 : 1;
    }

    static void print(Report report, String date, PrintWriter out) {
        LoadBenchmark.Settings settings = report.settings();
        out.printf("glean bench-load: %d ingest clients (CT studies of %d slices of %d×%d) and %d annotators for %d s; "
                        + "gRPC over %s with bearer tokens; server %s  %n",
                settings.clients(), settings.slices(), settings.size(), settings.size(), settings.annotators(),
                settings.duration().toSeconds(), settings.server().transport(),
                String.join(" ", settings.server().javaOptions()));
        out.printf("%s; %d cores (%s), load average %.1f → %.1f; Java %s%n%n", date,
                Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(), report.loadBefore(),
                report.loadAfter(), System.getProperty("java.runtime.version"));
        GcLogHeap heap = report.heap();
        out.println("| | |");
        out.println("|---|---:|");
        out.printf("| instances/s | %.1f |%n", report.instancesPerSecond());
        out.printf("| studies acknowledged | %d (%d instances) |%n", report.latencies().size(), report.instances());
        out.printf("| latency per study, p50 | %d ms |%n", report.latencyPercentile(50).toMillis());
        out.printf("| latency per study, p99 | %d ms |%n", report.latencyPercentile(99).toMillis());
        out.printf("| claims/s | %.2f (%d claimed, %d submitted) |%n", report.claimsPerSecond(), report.claims(),
                report.submitted());
        out.printf("| calls answered with an error | %d |%n", report.refusedCalls());
        out.printf("| server peak heap in use (GC log) | %d MiB |%n", heap.peakUsedBytes() >> 20);
        out.printf("| server peak resident set (VmHWM) | %d MiB |%n", report.peakRssBytes() >> 20);
        out.printf("| acknowledged instances lost / held twice | %d / %d |%n", report.lostInstances(),
                report.duplicatedInstances());
        out.printf("| tasks handed out twice / submitted but not recorded so | %d / %d |%n%n", report.duplicatedClaims(),
                report.tasksNotSubmitted());
        out.println(report.consistent() ? "Checks: nothing lost, nothing twice." : "Checks FAILED: see the table.");
        out.flush();
    }
}
