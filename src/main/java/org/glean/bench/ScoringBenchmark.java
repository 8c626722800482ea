package org.glean.bench;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.CurationDecision;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.InstanceStatus;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.metrics.PipelineTimes;

/**
 * IngestStudy end to end with scoring, as clients use it: starts a Glean server (the packaged jar,
 * embedded PostgreSQL, the bundled model, a fresh data folder) as a child process, then
 * {@code clients} concurrent clients, each on its own connection, send fresh phantom CT studies
 * with findings, one IngestStudy call per study, until every study is answered. Each answer is
 * checked: every instance accepted, the study scored, a curation decision taken. The server's
 * own stage timers (/q/metrics), read before and after the measured studies, say where its time
 * went; its heap comes from its GC log.
 */
public final class ScoringBenchmark {

    private static final int CHUNK_SIZE = 1 << 20;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /**
     * What to run.
     *
     * @param studies measured studies
     * @param clients concurrent clients
     * @param slices CT slices per study
     * @param size rows and columns of each slice
     * @param warmupStudies studies sent first, the same way, not measured (0: none)
     * @param seed the phantoms' seed, and so their UIDs
     * @param server how the Glean server is started: its jar, JVM options and transport
     * @param workDir an empty folder for the server's data, the studies and the logs
     */
    public record Settings(int studies, int clients, int slices, int size, int warmupStudies, long seed,
            ServerLaunch server, Path workDir) {
    }

    /**
     * What a run measured.
     *
     * @param elapsed wall-clock time from the first measured call's start to the last answer
     * @param latencies each measured study's, from the start of its call to its answer, ascending
     * @param server the server's stage timers over the measured studies
     * @param serverCpu CPU time the server and its PostgreSQL used over the measured studies
     * @param heap the server's heap over the whole run, warm-up included
     * @param objects objects the server found over the measured studies
     * @param queued measured studies that curation queued for annotation
     * @param tokenVerification what verifying one call's bearer token costs, see {@link TokenVerificationCost}
     */
    public record Report(Settings settings, Duration elapsed, List<Duration> latencies, PipelineTimes server,
            Duration serverCpu, GcLogHeap heap, double loadBefore, double loadAfter, String modelVersion, long objects,
            int queued, Duration tokenVerification) {

        public double studiesPerSecond() {
            return latencies.size() / seconds(elapsed);
        }

        /** The nearest-rank percentile of the latencies, {@code 0 < percent ≤ 100}. */
        public Duration latencyPercentile(double percent) {
            int rank = (int) Math.ceil(percent / 100 * latencies.size());
            return latencies.get(Math.max(0, rank - 1));
        }
    }

    private final Settings settings;
    private final PrintWriter progress;

    public ScoringBenchmark(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public Report run() throws IOException, InterruptedException {
        Path workDir = settings.workDir();
        int total = settings.warmupStudies() + settings.studies();
        say("Generating %d phantom CT studies of %d slices of %d×%d in %s", total, settings.slices(), settings.size(),
                settings.size(), workDir);
        List<GeneratedStudy> generated = BenchmarkInstances.phantomStudies(workDir.resolve("studies"), total,
                settings.slices(), settings.size(), settings.seed());
        say("Starting the Glean server (%s)", settings.server().jar());
        try (GleanServerProcess glean = GleanServerProcess.start(settings.server(),
                workDir.resolve("glean-data"), workDir.resolve("glean-server.log"))) {
            glean.awaitReady(START_TIMEOUT);
            if (settings.warmupStudies() > 0) {
                say("Warm-up: %d studies", settings.warmupStudies());
                send(glean, generated.subList(0, settings.warmupStudies()));
            }
            List<GeneratedStudy> measured = generated.subList(settings.warmupStudies(), total);
            say("Measuring: %d studies, %d clients", measured.size(), settings.clients());
            double loadBefore = LoadAverage.oneMinute();
            PipelineTimes before = glean.pipelineTimes();
            Duration cpuBefore = glean.cpuTime();
            long start = System.nanoTime();
            List<Answered> answers = send(glean, measured);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Duration serverCpu = glean.cpuTime().minus(cpuBefore);
            PipelineTimes server = glean.pipelineTimes().minus(before);
            double loadAfter = LoadAverage.oneMinute();
            List<Duration> latencies = new ArrayList<>(answers.stream().map(Answered::latency).toList());
            Collections.sort(latencies);
            long objects = answers.stream().mapToLong(answered -> objects(answered.analysis())).sum();
            int queued = (int) answers.stream().filter(answered -> answered.analysis().getDecision().getOutcome()
                    == CurationDecision.Outcome.QUEUED).count();
            return new Report(settings, elapsed, latencies, server, serverCpu, glean.heap(), loadBefore, loadAfter,
                    answers.get(0).analysis().getModelVersion(), objects, queued, glean.tokenVerificationCost());
        }
    }

    private record Answered(StudyAnalysis analysis, Duration latency) {
    }

    // The clients take the next study from one queue until it is empty.
    private List<Answered> send(GleanServerProcess glean, List<GeneratedStudy> studies)
            throws IOException, InterruptedException {
        ConcurrentLinkedQueue<GeneratedStudy> queue = new ConcurrentLinkedQueue<>(studies);
        ConcurrentLinkedQueue<Answered> answers = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(settings.clients());
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (int client = 0; client < settings.clients(); client++) {
                ManagedChannel channel = glean.channel();
                channels.add(channel);
                IngestStudyClient sender = new IngestStudyClient(channel, CHUNK_SIZE);
                running.add(clients.submit(() -> {
                    for (GeneratedStudy study = queue.poll(); study != null; study = queue.poll()) {
                        long start = System.nanoTime();
                        StudyAnalysis analysis = sender.send(study.files());
                        Duration latency = Duration.ofNanos(System.nanoTime() - start);
                        requireScored(study, analysis);
                        answers.add(new Answered(analysis, latency));
                    }
                    return null;
                }));
            }
            for (Future<Void> client : running) {
                client.get();
            }
            return List.copyOf(answers);
        } catch (ExecutionException e) {
            throw new IOException("a client failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            clients.shutdownNow();
            for (ManagedChannel channel : channels) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void requireScored(GeneratedStudy study, StudyAnalysis analysis) throws IOException {
        long accepted = analysis.getSeriesList().stream()
                .flatMap(series -> series.getImagesList().stream())
                .filter(image -> image.getStatus().getCode() == InstanceStatus.Code.ACCEPTED)
                .count();
        if (accepted != study.files().size()) {
            throw new IOException("Glean accepted " + accepted + " of the " + study.files().size()
                    + " instances of study " + study.studyInstanceUid());
        }
        if (analysis.getModelVersion().isEmpty()) {
            throw new IOException("study " + study.studyInstanceUid() + " was not scored: "
                    + analysis.getNotScoredReason());
        }
        if (analysis.getDecision().getOutcome() == CurationDecision.Outcome.OUTCOME_UNSPECIFIED) {
            throw new IOException("study " + study.studyInstanceUid() + " has no curation decision");
        }
    }

    private static long objects(StudyAnalysis analysis) {
        return analysis.getSeriesList().stream()
                .flatMap(series -> series.getImagesList().stream())
                .mapToLong(ImageAnalysis::getObjectsCount)
                .sum();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void say(String format, Object... args) {
        progress.printf(format + "%n", args);
        progress.flush();
    }
}
