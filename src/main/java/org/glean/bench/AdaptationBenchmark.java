package org.glean.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glean.coco.InvalidDatasetException;
import org.glean.inference.ModelFiles;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.ClaimNextTaskResponse;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.ListModelsRequest;
import org.glean.proto.v1.ModelVersion;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.StartFineTuneRequest;
import org.glean.security.Role;
import org.glean.training.MeanAveragePrecision;

/**
 * The learning loop at a new site measured through a real server: a Glean server (the packaged
 * jar, embedded PostgreSQL, the bundled model) as a child process; a labelled pool ingested over
 * IngestStudy; an annotator claiming tasks in the queue's order and submitting their true boxes
 * until each step's count of studies is annotated; then a fine-tuning job (StartFineTune,
 * followed with WatchJob to its end) and mAP@0.5 of the version then current on a labelled test
 * folder, read from the server's models folder and evaluated as {@code glean eval} does.
 */
public final class AdaptationBenchmark {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CALL_DEADLINE = Duration.ofMinutes(5);

    /**
     * The server setting the benchmark owns: it starts every job itself, after each step's
     * annotations, so none may start by itself in between.
     */
    public static final String AUTO_FINE_TUNE_AFTER = "glean.training.auto-fine-tune-after";

    /**
     * What to run.
     *
     * @param pool the labelled folder whose studies are ingested and annotated
     * @param test the labelled folder every version is evaluated on; never sent to the server
     * @param steps ascending counts of annotated studies after which a job runs
     * @param serverProperties configuration of the server (e.g. glean.training.min-steps), as system properties
     * @param jobTimeout how long one job may run
     * @param server how the Glean server is started
     * @param workDir an empty folder for the server's data and log
     */
    public record Settings(Path pool, Path test, List<Integer> steps, Map<String, String> serverProperties,
            Duration jobTimeout, ServerLaunch server, Path workDir) {

        public Settings {
            steps = List.copyOf(steps);
            serverProperties = Collections.unmodifiableMap(new LinkedHashMap<>(serverProperties));
        }
    }

    /**
     * A model version's mAP@0.5 on the test folder.
     *
     * @param versionId the version evaluated: the server's current one at that point
     */
    public record TestResult(String versionId, MeanAveragePrecision.Result result) {
    }

    /**
     * One step: the annotations so far, the job run on them and the version current after it.
     *
     * @param studies studies annotated so far
     * @param images frames annotated so far
     * @param job the job's final state (SUCCEEDED with the gate's outcome, or FAILED with its reason)
     * @param test the version current after the job, on the test folder
     */
    public record Step(int studies, int images, FineTuneJob job, TestResult test) {

        /** From the job's start to its end: training, the gate and, when promoted, the queue re-scored. */
        public Duration jobDuration() {
            return Duration.between(instant(job.getCreatedAt()), instant(job.getFinishedAt()));
        }

        private static Instant instant(com.google.protobuf.Timestamp timestamp) {
            return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
        }
    }

    /**
     * What a run measured.
     *
     * @param poolStudies studies in the pool, all ingested
     * @param poolImages frames in the pool
     * @param testImages frames in the test folder
     * @param before the version current before any annotation, on the test folder
     * @param steps one per step run, in order
     * @param queueRanDry when the queue handed out no task before the last step's count, why the run stopped there
     * @param elapsed the whole run, server start to last evaluation
     */
    public record Report(Settings settings, int poolStudies, int poolImages, int testImages, TestResult before,
            List<Step> steps, String queueRanDry, Duration elapsed, double loadBefore, double loadAfter) {
    }

    private final Settings settings;
    private final PrintWriter progress;

    public AdaptationBenchmark(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public Report run() throws IOException, InterruptedException, InvalidDatasetException {
        LabelledStudies pool = LabelledStudies.read(settings.pool());
        LabelledStudies test = LabelledStudies.read(settings.test());
        Map<String, String> properties = new LinkedHashMap<>(settings.serverProperties());
        properties.put(AUTO_FINE_TUNE_AFTER, "0");
        double loadBefore = LoadAverage.oneMinute();
        long start = System.nanoTime();
        say("Starting the Glean server (%s)", settings.server().jar());
        Path dataDir = settings.workDir().resolve("glean-data");
        try (GleanServerProcess glean = GleanServerProcess.startReady(settings.server().withProperties(properties),
                dataDir, settings.workDir().resolve("glean-server.log"), START_TIMEOUT)) {
            ManagedChannel admin = glean.channel();
            ManagedChannel annotator = glean.channel("bench-annotator", Role.ANNOTATOR);
            ManagedChannel curator = glean.channel("bench-curator", Role.CURATOR);
            try {
                say("Ingesting %d studies (%d images) from %s", pool.studyUids().size(), pool.images(), settings.pool());
                pool.ingestAll(admin);
                Path modelsDir = dataDir.resolve("models");
                TestResult before = evaluateCurrent(admin, modelsDir, test);
                say("Test mAP@0.5 of %s before any annotation: %.4f", before.versionId(),
                        before.result().meanAveragePrecision());
                CurationGrpc.CurationBlockingStub curation = CurationGrpc.newBlockingStub(annotator);
                List<Step> steps = new ArrayList<>();
                int studies = 0;
                int images = 0;
                String queueRanDry = null;
                for (int target : settings.steps()) {
                    while (studies < target) {
                        ClaimNextTaskResponse claim = curation.withDeadlineAfter(CALL_DEADLINE.toSeconds(),
                                TimeUnit.SECONDS).claimNextTask(ClaimNextTaskRequest.getDefaultInstance());
                        if (!claim.hasTask()) {
                            queueRanDry = "the queue handed out no more tasks after " + studies + " studies";
                            break;
                        }
                        images += pool.submitTrueBoxes(curation.withDeadlineAfter(CALL_DEADLINE.toSeconds(),
                                TimeUnit.SECONDS), claim.getTask());
                        studies++;
                    }
                    say("Annotated %d studies (%d images); fine-tuning", studies, images);
                    FineTuneJob job = fineTune(curator);
                    Step step = new Step(studies, images, job, evaluateCurrent(admin, modelsDir, test));
                    steps.add(step);
                    say("Job %d ended %s in %.1f min (%s); test mAP@0.5 of %s: %.4f", job.getJobId(), job.getState(),
                            step.jobDuration().toMillis() / 60_000.0, job.getReason(), step.test().versionId(),
                            step.test().result().meanAveragePrecision());
                    if (queueRanDry != null) {
                        say("Stopped: %s", queueRanDry);
                        break;
                    }
                }
                return new Report(settings, pool.studyUids().size(), pool.images(), test.images(), before, steps,
                        queueRanDry, Duration.ofNanos(System.nanoTime() - start), loadBefore, LoadAverage.oneMinute());
            } catch (StatusRuntimeException e) {
                throw new IOException("the server answered " + e.getStatus().getCode() + ": "
                        + e.getStatus().getDescription() + "; its log is " + settings.workDir().resolve("glean-server.log")
                        + " (keep it with --keep)", e);
            } finally {
                for (ManagedChannel channel : List.of(admin, annotator, curator)) {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    // Starts a job as a curator does and follows it to its end.
    private FineTuneJob fineTune(ManagedChannel curator) throws IOException {
        FineTuneJob started = ModelsGrpc.newBlockingStub(curator).withDeadlineAfter(CALL_DEADLINE.toSeconds(),
                TimeUnit.SECONDS).startFineTune(StartFineTuneRequest.getDefaultInstance());
        List<FineTuneJob> states = FineTuneJobWatch.watch(curator, started.getJobId(), settings.jobTimeout());
        FineTuneJob last = states.get(states.size() - 1);
        if (last.getState() == FineTuneJob.State.RUNNING) {
            throw new IOException("fine-tuning job " + started.getJobId() + " was still running after "
                    + settings.jobTimeout().toMinutes() + " min (--job-timeout)");
        }
        return last;
    }

    // The server's current version, from its models folder (or the bundled model it serves), on the test folder.
    private static TestResult evaluateCurrent(ManagedChannel admin, Path modelsDir, LabelledStudies test)
            throws IOException, InvalidDatasetException {
        String current = ModelsGrpc.newBlockingStub(admin).withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()).getVersionsList().stream()
                .filter(version -> version.getState() == ModelVersion.State.CURRENT).map(ModelVersion::getVersionId)
                .findFirst().orElseThrow(() -> new IOException("the server has no current model version"));
        ModelFiles model = ModelFiles.all(modelsDir, true).stream()
                .filter(files -> files.versionId().equals(current)).findFirst()
                .orElseThrow(() -> new IOException("the current model version " + current + " is neither under "
                        + modelsDir + " nor the model bundled in this jar; run the server jar this command runs from"));
        return new TestResult(current, test.evaluate(model.directory()));
    }

    private void say(String format, Object... args) {
        progress.printf(format + "%n", args);
        progress.flush();
    }
}
