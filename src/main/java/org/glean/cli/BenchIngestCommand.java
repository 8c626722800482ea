package org.glean.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.glean.bench.GcLogHeap;
import org.glean.bench.IngestBenchmark;
import org.glean.bench.IngestBenchmark.Measurement;
import org.glean.bench.IngestBenchmark.Report;
import org.glean.bench.IngestBenchmark.Round;
import org.glean.bench.IngestBenchmark.Route;
import org.glean.uncertainty.RankStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean bench-ingest}: ingest throughput of Glean (gRPC and C-STORE) against Orthanc on
 * the same machine, measured in one run by {@link IngestBenchmark}, printed as a table.
 */
@Command(name = "bench-ingest", mixinStandardHelpOptions = true,
        description = {"Measures ingest throughput on loopback: Glean's own gRPC client and DCMTK dcmsend (one "
                + "association, and 4 at once) into a Glean server that only stores and one that scores on receipt, "
                + "and dcmsend into Orthanc, on freshly generated CT instances; prints instances/s per round and the "
                + "Glean servers' peak heaps.",
                "Starts the Glean servers from the packaged jar (build it with 'make package') and Orthanc as child "
                        + "processes in a temporary folder, and stops them at the end. Needs DCMTK (dcmsend) and "
                        + "Orthanc. Writes nothing outside the temporary folder. Exit status: 0 when every instance "
                        + "was stored, 1 when a measurement failed, 2 for bad arguments."})
public final class BenchIngestCommand implements Callable<Integer> {

    @Option(names = "--instances", defaultValue = "500",
            description = "instances per measurement (default: ${DEFAULT-VALUE})")
    int instances;

    @Option(names = "--studies", defaultValue = "1",
            description = "studies the instances are spread over; gRPC sends one call per study "
                    + "(default: ${DEFAULT-VALUE})")
    int studies;

    @Option(names = "--size", defaultValue = "256",
            description = "rows and columns of each 16-bit CT image (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--rounds", defaultValue = "5", description = "measured rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1000",
            description = "instances each path gets first, not measured; 0 for none (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--markdown",
            description = "print the results as a Markdown table, to paste into docs/benchmarks.md")
    boolean markdown;

    @Mixin
    BenchSupport server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (instances < 1 || studies < 1 || studies > instances || size < 16 || size > 4096 || rounds < 1
                || warmup < 0) {
            err.println("glean bench-ingest: need --instances ≥ 1, 1 ≤ --studies ≤ --instances, "
                    + "16 ≤ --size ≤ 4096, --rounds ≥ 1, --warmup ≥ 0");
            return 2;
        }
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return server.run("glean bench-ingest", err, (launch, workDir) -> {
            Report report = new IngestBenchmark(new IngestBenchmark.Settings(instances, studies, size, rounds, warmup,
                    launch, workDir), err).run();
            if (markdown) {
                printMarkdown(report, date, out);
            } else {
                printPlain(report, date, out);
            }
        });
    }

    private void printPlain(Report report, String date, PrintWriter out) {
        out.println(title(report));
        out.println(machine(report, date));
        for (Metric metric : METRICS) {
            out.printf("%-36s", metric.name());
            for (int round = 1; round <= report.rounds().size(); round++) {
                out.printf("%10s", "round " + round);
            }
            out.printf("%10s%n", "median");
            for (Route route : Route.values()) {
                out.printf("%-36s", "  " + route.label());
                for (Round round : report.rounds()) {
                    out.printf("%10.1f", metric.of(round.of(route)));
                }
                out.printf("%10.1f%n", median(report, route, metric));
            }
        }
        out.println(ratios(report));
        out.println(heap(report));
    }

    private void printMarkdown(Report report, String date, PrintWriter out) {
        out.println(title(report) + "  ");
        out.println(machine(report, date));
        out.println();
        StringBuilder header = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int round = 1; round <= report.rounds().size(); round++) {
            header.append(" round ").append(round).append(" |");
            rule.append("---:|");
        }
        out.println(header.append(" median |"));
        out.println(rule.append("---:|"));
        for (Metric metric : METRICS) {
            out.println("| **" + metric.name() + "** |" + " |".repeat(report.rounds().size() + 1));
            for (Route route : Route.values()) {
                StringBuilder line = new StringBuilder("| " + route.label() + " |");
                for (Round round : report.rounds()) {
                    line.append(String.format(" %.1f |", metric.of(round.of(route))));
                }
                out.println(line.append(String.format(" **%.1f** |", median(report, route, metric))));
            }
        }
        StringBuilder load = new StringBuilder("| load average (1 min) after the round |");
        report.rounds().forEach(round -> load.append(String.format(" %.1f |", round.loadAfter())));
        out.println(load.append(" |"));
        out.println();
        out.println(ratios(report) + "  ");
        out.println(heap(report));
    }

    private record Metric(String name, ToDoubleFunction<Measurement> value) {
        double of(Measurement measurement) {
            return value.applyAsDouble(measurement);
        }
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("instances/s", Measurement::instancesPerSecond),
            new Metric("server CPU ms per instance", Measurement::serverCpuMillisPerInstance),
            new Metric("sender CPU ms per instance", Measurement::clientCpuMillisPerInstance));

    private static String title(Report report) {
        IngestBenchmark.Settings settings = report.settings();
        return String.format("glean bench-ingest: %d instances per measurement (CT %d×%d, 16-bit, %,d bytes each, "
                        + "%d stud%s), %d round%s after a %d-instance warm-up; loopback, wall-clock; Glean gRPC over %s with "
                        + "a bearer token",
                settings.instances(), settings.size(), settings.size(), report.bytesPerInstance(), settings.studies(),
                settings.studies() == 1 ? "y" : "ies", settings.rounds(), settings.rounds() == 1 ? "" : "s",
                settings.warmupInstances(), settings.server().transport()) + "; scoring with model "
                + report.modelVersion();
    }

    private static String machine(Report report, String date) {
        double loadBefore = report.rounds().get(0).loadBefore();
        double loadAfter = report.rounds().get(report.rounds().size() - 1).loadAfter();
        return String.format("%s; %d cores (%s), load average %.1f → %.1f; Java %s; Orthanc %s; %s",
                date, Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(), loadBefore, loadAfter,
                System.getProperty("java.runtime.version"), report.orthancVersion(), report.dcmsendVersion());
    }

    // The ratio of each round (same load, same minute), then their median; each route against
    // Orthanc over as many associations.
    private static String ratios(Report report) {
        StringBuilder ratios = new StringBuilder("÷ Orthanc over as many associations (median of the rounds' ratios):");
        for (Route route : Route.values()) {
            if (!route.isOrthanc()) {
                ratios.append(String.format(" %s %.2f×;", route.label(),
                        medianOf(report.rounds(), round -> round.ratio(route))));
            }
        }
        return ratios.substring(0, ratios.length() - 1);
    }

    private static String heap(Report report) {
        return "Glean servers' heap over the run (GC log, " + String.join(" ", report.settings().server().javaOptions())
                + "): " + heap("store only", report.storeOnlyHeap()) + "; " + heap("scoring", report.scoringHeap());
    }

    private static String heap(String server, GcLogHeap heap) {
        return String.format("%s: %d pauses, peak in use %d MiB, largest live set after a collection %d MiB, "
                        + "committed at most %d MiB", server, heap.pauses(), heap.peakUsedBytes() >> 20,
                heap.peakLiveBytes() >> 20, heap.peakCommittedBytes() >> 20);
    }

    private static double median(Report report, Route route, Metric metric) {
        return medianOf(report.rounds(), round -> metric.of(round.of(route)));
    }

    private static double medianOf(List<Round> rounds, ToDoubleFunction<Round> value) {
        return RankStatistics.median(rounds.stream().mapToDouble(value).toArray());
    }
}
