package org.glean.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.glean.bench.AdaptationBenchmark;
import org.glean.bench.AdaptationBenchmark.Report;
import org.glean.bench.AdaptationBenchmark.Step;
import org.glean.bench.AdaptationBenchmark.TestResult;
import org.glean.bench.LabelledStudies;
import org.glean.coco.InvalidDatasetException;
import org.glean.proto.v1.FineTuneJob;
import org.glean.training.MeanAveragePrecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glean bench-adaptation}: how fast the server's own loop learns a site, measured by
 * {@link AdaptationBenchmark} through a real server, printed as Markdown tables.
 */
@Command(name = "bench-adaptation", mixinStandardHelpOptions = true,
        description = {"Measures the learning loop through a real server: ingests a labelled pool (glean synth) over "
                + "IngestStudy, claims tasks in the queue's order and submits their true boxes until each step's "
                + "count of studies is annotated, then runs a fine-tuning job (StartFineTune, WatchJob) and "
                + "evaluates the version then current on a labelled test folder (mAP@0.5 as glean eval); prints a "
                + "row per step: images annotated, the job's minutes, the gate's verdict and held-out mAP, test mAP.",
                "Starts the Glean server from the packaged jar (build it with 'make package') as a child process in "
                        + "a temporary folder and stops it at the end. Exit status: 0 when every step ran (whatever "
                        + "the gate decided), 1 when the run failed, 2 for bad arguments."})
public final class BenchAdaptationCommand implements Callable<Integer> {

    @Option(names = "--pool", required = true, paramLabel = "DIR",
            description = "labelled folder to ingest and annotate (glean synth --out DIR, with its coco.json)")
    Path pool;

    @Option(names = "--test", required = true, paramLabel = "DIR",
            description = "labelled folder each version is evaluated on, never sent to the server")
    Path test;

    @Option(names = "--steps", split = ",", defaultValue = "40,120", paramLabel = "N",
            description = "ascending counts of annotated studies after which a job runs (default: ${DEFAULT-VALUE})")
    List<Integer> steps;

    @Option(names = "--server-property", paramLabel = "KEY=VALUE",
            description = "a setting of the server, e.g. glean.training.min-steps=60; repeatable "
                    + "(glean.training.auto-fine-tune-after is the benchmark's: it starts every job itself)")
    Map<String, String> serverProperties = new LinkedHashMap<>();

    @Option(names = "--job-timeout", defaultValue = "60M", paramLabel = "DURATION",
            description = "how long one fine-tuning job may run, e.g. 60M (default: ${DEFAULT-VALUE})")
    String jobTimeout;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the report to FILE")
    Path markdown;

    @Mixin
    EngineThreadsOption engine;

    @Mixin
    BenchSupport server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration timeout = BenchSupport.duration(jobTimeout);
        String problem = problem(timeout);
        if (problem != null) {
            err.println("glean bench-adaptation: " + problem);
            return 2;
        }
        engine.apply();
        Duration jobDeadline = timeout;
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return server.run("glean bench-adaptation", err, (launch, workDir) -> {
            Report report;
            try {
                report = new AdaptationBenchmark(new AdaptationBenchmark.Settings(pool, test, steps, serverProperties,
                        jobDeadline, launch, workDir), err).run();
            } catch (InvalidDatasetException e) {
                throw new IOException(e.getMessage(), e);
            }
            StringWriter text = new StringWriter();
            print(report, date, new PrintWriter(text));
            out.print(text);
            out.flush();
            if (markdown != null) {
                Files.writeString(markdown, text.toString());
            }
        });
    }

    // What is wrong with the arguments, checked before anything starts; null when nothing is.
    private String problem(Duration timeout) {
        if (timeout.toSeconds() < 1) {
            return "need a --job-timeout such as 60M or 90S";
        }
        if (steps.isEmpty()) {
            return "--steps needs at least one count of studies, e.g. 40,120";
        }
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) < 1 || (i > 0 && steps.get(i) <= steps.get(i - 1))) {
                return "--steps must be ascending counts of studies, each at least 1, e.g. 40,120";
            }
        }
        if (serverProperties.containsKey(AdaptationBenchmark.AUTO_FINE_TUNE_AFTER)) {
            return AdaptationBenchmark.AUTO_FINE_TUNE_AFTER + " is not a --server-property: the benchmark starts "
                    + "every job itself";
        }
        try {
            int studies = LabelledStudies.read(pool).studyUids().size();
            LabelledStudies.read(test);
            if (steps.get(steps.size() - 1) > studies) {
                return "--pool holds " + studies + " studies, fewer than the last step's " + steps.get(steps.size() - 1);
            }
        } catch (IOException | InvalidDatasetException e) {
            return e.getMessage();
        }
        return null;
    }

    static void print(Report report, String date, PrintWriter out) {
        AdaptationBenchmark.Settings settings = report.settings();
        out.printf("glean bench-adaptation: pool %s (%d studies, %d images), test %s (%d images), steps %s; gRPC over "
                        + "%s with bearer tokens; server %s  %n", settings.pool(), report.poolStudies(),
                report.poolImages(), settings.test(), report.testImages(),
                settings.steps().stream().map(String::valueOf).collect(Collectors.joining(",")),
                settings.server().transport(), String.join(" ", settings.server()
                        .withProperties(settings.serverProperties()).javaOptions()));
        out.printf("%s; %d cores (%s), load average %.1f → %.1f; Java %s; %.1f min in all%n%n", date,
                Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(), report.loadBefore(),
                report.loadAfter(), System.getProperty("java.runtime.version"),
                report.elapsed().toMillis() / 60_000.0);
        out.println("| studies annotated | images annotated | fine-tune min | verdict | held-out mAP@0.5 current → new "
                + "(studies) | version tested | test mAP@0.5 |");
        out.println("|---:|---:|---:|---|---|---|---:|");
        out.printf("| 0 | 0 | | | | %s | %s |%n", report.before().versionId(), map(report.before().result()));
        for (Step step : report.steps()) {
            FineTuneJob job = step.job();
            String heldOut = job.getState() == FineTuneJob.State.SUCCEEDED
                    ? String.format(Locale.ROOT, "%.4f → %.4f (%d)", job.getCurrentMap(), job.getValidationMap(),
                            job.getValidationStudies())
                    : "";
            out.printf(Locale.ROOT, "| %d | %d | %.1f | %s | %s | %s | %s |%n", step.studies(), step.images(),
                    step.jobDuration().toMillis() / 60_000.0, verdict(job), heldOut, step.test().versionId(),
                    map(step.test().result()));
        }
        out.println();
        List<TestResult> tested = new ArrayList<>();
        tested.add(report.before());
        report.steps().forEach(step -> tested.add(step.test()));
        List<String> classes = List.copyOf(report.before().result().perClass().keySet());
        out.println("Test AP@0.5 per class:");
        out.println();
        out.println("| studies annotated | " + String.join(" | ", classes) + " | mean |");
        out.println("|---:|" + "---:|".repeat(classes.size() + 1));
        for (int i = 0; i < tested.size(); i++) {
            MeanAveragePrecision.Result result = tested.get(i).result();
            StringBuilder row = new StringBuilder("| " + (i == 0 ? 0 : report.steps().get(i - 1).studies()) + " |");
            for (String label : classes) {
                MeanAveragePrecision.ClassResult perClass = result.perClass().get(label);
                row.append(' ').append(perClass == null ? "" : String.format(Locale.ROOT, "%.4f",
                        perClass.averagePrecision())).append(" |");
            }
            out.println(row.append(' ').append(map(result)).append(" |"));
        }
        out.println();
        for (Step step : report.steps()) {
            FineTuneJob job = step.job();
            out.printf("- After %d studies: job %d, %d training and %d held-out images, %d updates: %s%n",
                    step.studies(), job.getJobId(), job.getTrainingImages(), job.getValidationImages(), job.getStep(),
                    job.getReason());
        }
        if (report.queueRanDry() != null) {
            out.println("- Stopped early: " + report.queueRanDry() + ".");
        }
        out.flush();
    }

    private static String verdict(FineTuneJob job) {
        if (job.getState() != FineTuneJob.State.SUCCEEDED) {
            return "failed";
        }
        return job.getOutcome() == FineTuneJob.Outcome.PROMOTED ? "promoted" : "kept as candidate";
    }

    private static String map(MeanAveragePrecision.Result result) {
        return String.format(Locale.ROOT, "%.4f", result.meanAveragePrecision());
    }
}
