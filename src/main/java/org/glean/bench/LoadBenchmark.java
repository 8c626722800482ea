package org.glean.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.glean.api.IngestStudyClient;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.ClaimNextTaskResponse;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.proto.v1.TaskState;
import org.glean.security.Role;

/**
 * A soak on loopback: a Glean server (the packaged jar, embedded PostgreSQL, the bundled model)
 * as a child process, {@code clients} ingest clients each sending fresh CT studies one
 * IngestStudy call after another, and {@code annotators} annotators (each their own user) each
 * claiming the next task and submitting it, all for {@code duration}. At the end every
 * acknowledged study is read back (its instance count must be what was sent: none lost, none
 * twice) and every claimed task too (claimed once, and submitted).
 */
public final class LoadBenchmark {

    private static final int CHUNK_SIZE = 1 << 20;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration EMPTY_QUEUE_PAUSE = Duration.ofMillis(200);

    /**
     * What to run.
     *
     * @param clients concurrent ingest clients
     * @param annotators concurrent annotators
     * @param duration how long the clients and annotators work
     * @param slices CT slices per study
     * @param size rows and columns of each slice
     * @param server how the Glean server is started
     * @param workDir an empty folder for the server's data, the studies and the logs
     */
    public record Settings(int clients, int annotators, Duration duration, int slices, int size, ServerLaunch server,
            Path workDir) {
    }

    /**
     * What a run measured and found.
     *
     * @param elapsed from the start of the load to the end of the last call
     * @param latencies each acknowledged study's, from the start of its call to its answer, ascending
     * @param instances instances acknowledged
     * @param claims tasks claimed
     * @param submitted claimed tasks submitted
     * @param refusedCalls ingest, claim or submit calls answered with an error status
     * @param lostInstances acknowledged instances the server does not hold at the end
     * @param duplicatedInstances instances the server holds beyond those acknowledged, in acknowledged studies
     * @param duplicatedClaims claims of a task that had been handed out before
     * @param tasksNotSubmitted claimed and submitted tasks not recorded as submitted at the end
     * @param heap the server's heap over the run, from its GC log
     * @param peakRssBytes the server process's peak resident set (VmHWM)
     */
    public record Report(Settings settings, Duration elapsed, List<Duration> latencies, long instances, long claims,
            long submitted, long refusedCalls, long lostInstances, long duplicatedInstances, long duplicatedClaims,
            long tasksNotSubmitted, GcLogHeap heap, long peakRssBytes, double loadBefore, double loadAfter) {

        public double instancesPerSecond() {
            return instances / seconds(elapsed);
        }

        public double claimsPerSecond() {
            return claims / seconds(elapsed);
        }

        /** The nearest-rank percentile of the latencies, {@code 0 < percent ≤ 100}. */
        public Duration latencyPercentile(double percent) {
            if (latencies.isEmpty()) {
                return Duration.ZERO;
            }
            int rank = (int) Math.ceil(percent / 100 * latencies.size());
            return latencies.get(Math.max(0, rank - 1));
        }

        /** Nothing lost or handed out twice, and every call answered. */
        public boolean consistent() {
            return lostInstances == 0 && duplicatedInstances == 0 && duplicatedClaims == 0 && tasksNotSubmitted == 0;
        }
    }

    private final Settings settings;
    private final PrintWriter progress;
    private final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Duration> latencies = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> submitted = new ConcurrentLinkedQueue<>();
    private final AtomicLong refused = new AtomicLong();

    public LoadBenchmark(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public Report run() throws IOException, InterruptedException {
        say("Starting the Glean server (%s)", settings.server().jar());
        try (GleanServerProcess glean = GleanServerProcess.start(settings.server(),
                settings.workDir().resolve("glean-data"), settings.workDir().resolve("glean-server.log"))) {
            glean.awaitReady(START_TIMEOUT);
            say("Loading for %d s: %d ingest clients, %d annotators", settings.duration().toSeconds(),
                    settings.clients(), settings.annotators());
            double loadBefore = LoadAverage.oneMinute();
            long start = System.nanoTime();
            long end = start + settings.duration().toNanos();
            List<ManagedChannel> channels = new ArrayList<>();
            ExecutorService workers = Executors.newFixedThreadPool(settings.clients() + settings.annotators());
            try {
                List<Future<Void>> running = new ArrayList<>();
                for (int client = 0; client < settings.clients(); client++) {
                    ManagedChannel channel = glean.channel();
                    channels.add(channel);
                    Path folder = settings.workDir().resolve("studies").resolve("client-" + client);
                    running.add(workers.submit(() -> ingest(channel, folder, end)));
                }
                for (int annotator = 0; annotator < settings.annotators(); annotator++) {
                    ManagedChannel channel = glean.channel("bench-annotator-" + annotator, Role.ANNOTATOR);
                    channels.add(channel);
                    running.add(workers.submit(() -> annotate(channel, end)));
                }
                for (Future<Void> worker : running) {
                    worker.get();
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                double loadAfter = LoadAverage.oneMinute();
                say("Checking %d acknowledged studies and %d claimed tasks", acknowledged.size(), claimed.size());
                ManagedChannel checker = glean.channel();
                channels.add(checker);
                long[] instances = checkStudies(checker);
                List<Duration> sorted = new ArrayList<>(latencies);
                Collections.sort(sorted);
                long instancesAcknowledged = acknowledged.values().stream().mapToLong(Integer::longValue).sum();
                return new Report(settings, elapsed, sorted, instancesAcknowledged, claimed.size(), submitted.size(),
                        refused.get(), instances[0], instances[1], claimed.size() - new HashSet<>(claimed).size(),
                        tasksNotSubmitted(checker), glean.heap(), peakRss(glean.pid()), loadBefore, loadAfter);
            } catch (ExecutionException e) {
                throw new IOException("a client failed: " + e.getCause().getMessage(), e.getCause());
            } finally {
                workers.shutdownNow();
                for (ManagedChannel channel : channels) {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    // Fresh studies, one call after another, until the end; each study's files go once answered.
    private Void ingest(ManagedChannel channel, Path folder, long end) throws IOException, InterruptedException {
        IngestStudyClient sender = new IngestStudyClient(channel, CHUNK_SIZE);
        for (int n = 0; System.nanoTime() < end; n++) {
            Path studyFolder = folder.resolve("study-" + n);
            GeneratedStudy study = BenchmarkInstances.write(studyFolder, settings.slices(), 1, settings.size()).get(0);
            long started = System.nanoTime();
            try {
                StudyAnalysis analysis = sender.send(study.files());
                latencies.add(Duration.ofNanos(System.nanoTime() - started));
                acknowledged.put(analysis.getStudyInstanceUid(), study.files().size());
            } catch (StatusRuntimeException e) {
                refused.incrementAndGet();
                say("IngestStudy answered %s: %s", e.getStatus().getCode(), e.getStatus().getDescription());
            }
            for (Path file : study.files()) {
                Files.delete(file);
            }
            Files.delete(studyFolder);
        }
        return null;
    }

    // Claim, submit (no findings), repeat; a pause when the queue is empty.
    private Void annotate(ManagedChannel channel, long end) throws InterruptedException {
        CurationGrpc.CurationBlockingStub curation = CurationGrpc.newBlockingStub(channel);
        while (System.nanoTime() < end) {
            try {
                ClaimNextTaskResponse claim = curation.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .claimNextTask(ClaimNextTaskRequest.getDefaultInstance());
                if (!claim.hasTask()) {
                    Thread.sleep(EMPTY_QUEUE_PAUSE.toMillis());
                    continue;
                }
                long taskId = claim.getTask().getTaskId();
                claimed.add(taskId);
                curation.withDeadlineAfter(60, TimeUnit.SECONDS).submitAnnotation(SubmitAnnotationRequest.newBuilder()
                        .setTaskId(taskId).build());
                submitted.add(taskId);
            } catch (StatusRuntimeException e) {
                refused.incrementAndGet();
                say("Curation answered %s: %s", e.getStatus().getCode(), e.getStatus().getDescription());
            }
        }
        return null;
    }

    // {instances lost, instances beyond those sent} over the acknowledged studies
    private long[] checkStudies(ManagedChannel channel) {
        StudyIngestGrpc.StudyIngestBlockingStub studies = StudyIngestGrpc.newBlockingStub(channel);
        long lost = 0;
        long extra = 0;
        for (Map.Entry<String, Integer> study : acknowledged.entrySet()) {
            int held = studies.withDeadlineAfter(60, TimeUnit.SECONDS).getStudy(GetStudyRequest.newBuilder()
                    .setStudyInstanceUid(study.getKey()).build()).getInstanceCount();
            lost += Math.max(0, study.getValue() - held);
            extra += Math.max(0, held - study.getValue());
        }
        return new long[] {lost, extra};
    }

    private long tasksNotSubmitted(ManagedChannel channel) {
        CurationGrpc.CurationBlockingStub curation = CurationGrpc.newBlockingStub(channel);
        Set<Long> distinct = new HashSet<>(submitted);
        long notSubmitted = 0;
        for (long taskId : distinct) {
            AnnotationTask task = curation.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build());
            if (task.getState() != TaskState.SUBMITTED) {
                notSubmitted++;
            }
        }
        return notSubmitted;
    }

    // The kernel's high-water mark of the process's resident set.
    private static long peakRss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("/proc/" + pid + "/status has no VmHWM");
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void say(String format, Object... args) {
        synchronized (progress) {
            progress.printf(format + "%n", args);
            progress.flush();
        }
    }
}
