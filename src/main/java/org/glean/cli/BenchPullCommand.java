package org.glean.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.glean.bench.PullBenchmark;
import org.glean.bench.PullBenchmark.Measurement;
import org.glean.bench.PullBenchmark.Report;
import org.glean.bench.PullBenchmark.Round;
import org.glean.uncertainty.RankStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean bench-pull}: pull throughput of Glean (WADO-RS, C-MOVE) from Orthanc next to
 * Orthanc's own C-MOVE to a second Orthanc, measured in one run by {@link PullBenchmark}, printed
 * as a Markdown table.
 */
@Command(name = "bench-pull", mixinStandardHelpOptions = true,
        description = {"Measures pull throughput on loopback: a Glean server pulling a fresh study from Orthanc by "
                + "QIDO-RS/WADO-RS and by C-FIND/C-MOVE (Sources.PullSource), and Orthanc moving it to a second "
                + "Orthanc (C-MOVE); prints instances/s per round as a Markdown table.",
                "Starts the Glean server from the packaged jar (build it with 'make package') and two Orthancs as "
                        + "child processes in a temporary folder, and stops them at the end. Exit status: 0 when "
                        + "every instance arrived, 1 when a measurement failed, 2 for bad arguments."})
public final class BenchPullCommand implements Callable<Integer> {

    @Option(names = "--instances", defaultValue = "500",
            description = "instances in each round's study (default: ${DEFAULT-VALUE})")
    int instances;

    @Option(names = "--size", defaultValue = "256",
            description = "rows and columns of each 16-bit CT image (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--rounds", defaultValue = "3", description = "measured rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Mixin
    BenchSupport server;

    @Spec
    CommandSpec spec;

    private record Row(String name, Function<Round, Measurement> measurement) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("Glean pull, QIDO-RS + WADO-RS", Round::gleanWado),
            new Row("Glean pull, C-FIND + C-MOVE", Round::gleanCMove),
            new Row("Orthanc → Orthanc, C-MOVE", Round::orthancPeer));

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (instances < 1 || size < 16 || size > 4096 || rounds < 1) {
            err.println("glean bench-pull: need --instances ≥ 1, 16 ≤ --size ≤ 4096, --rounds ≥ 1");
            return 2;
        }
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return server.run("glean bench-pull", err, (launch, workDir) -> print(new PullBenchmark(
                new PullBenchmark.Settings(instances, size, rounds, launch, workDir), err).run(), date, out));
    }

    private static void print(Report report, String date, PrintWriter out) {
        PullBenchmark.Settings settings = report.settings();
        out.printf("glean bench-pull: a fresh study of %d instances per round (CT %d×%d, 16-bit, %,d bytes each), "
                        + "%d rounds; loopback, wall-clock; Glean over %s with a bearer token  %n", settings.instances(),
                settings.size(), settings.size(), report.bytesPerInstance(), settings.rounds(),
                settings.server().transport());
        out.printf("%s; %d cores (%s), load average %.1f → %.1f; Java %s; Orthanc %s%n%n", date,
                Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(),
                report.rounds().get(0).loadBefore(), report.rounds().get(report.rounds().size() - 1).loadAfter(),
                System.getProperty("java.runtime.version"), report.orthancVersion());
        StringBuilder header = new StringBuilder("| instances/s |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int round = 1; round <= report.rounds().size(); round++) {
            header.append(" round ").append(round).append(" |");
            rule.append("---:|");
        }
        out.println(header.append(" median |"));
        out.println(rule.append("---:|"));
        for (Row row : ROWS) {
            StringBuilder line = new StringBuilder("| " + row.name() + " |");
            report.rounds().forEach(round -> line.append(String.format(" %.1f |",
                    row.measurement().apply(round).instancesPerSecond())));
            out.println(line.append(String.format(" **%.1f** |", median(report, round ->
                    row.measurement().apply(round).instancesPerSecond()))));
        }
        StringBuilder load = new StringBuilder("| load average (1 min) after the round |");
        report.rounds().forEach(round -> load.append(String.format(" %.1f |", round.loadAfter())));
        out.println(load.append(" |"));
        out.println();
        out.printf("Glean WADO-RS ÷ Orthanc peer: %.2f×; Glean C-MOVE ÷ Orthanc peer: %.2f× (median of the rounds' "
                + "ratios)%n", median(report, round -> round.gleanWado().instancesPerSecond()
                        / round.orthancPeer().instancesPerSecond()),
                median(report, round -> round.gleanCMove().instancesPerSecond()
                        / round.orthancPeer().instancesPerSecond()));
    }

    private static double median(Report report, ToDoubleFunction<Round> value) {
        return RankStatistics.median(report.rounds().stream().mapToDouble(value).toArray());
    }
}
