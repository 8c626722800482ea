package org.glean.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.server.ServedInstances.instancesOf;
import static org.glean.server.ServedInstances.sopInstanceUids;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.glean.api.IngestStudyClient;
import org.glean.bench.BenchmarkInstances;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.bench.GleanServerProcess;
import org.glean.bench.ServerLaunch;
import org.glean.proto.v1.AnnotationTask;
import org.glean.proto.v1.Box;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.ClaimNextTaskResponse;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.FineTuneJob;
import org.glean.proto.v1.GetTaskRequest;
import org.glean.proto.v1.ImageAnnotation;
import org.glean.proto.v1.ListQueueRequest;
import org.glean.proto.v1.ModelsGrpc;
import org.glean.proto.v1.StartFineTuneRequest;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.SubmitAnnotationRequest;
import org.glean.proto.v1.TaskImage;
import org.glean.proto.v1.TaskState;
import org.glean.proto.v1.WatchJobRequest;
import org.glean.security.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged servers as replicas: one PostgreSQL (embedded, started by the test, external to
 * both) and one data folder, so one instance store, one model folder and one key material.
 * Studies go to both at once over gRPC and C-STORE, distinct ones and the same ones to both;
 * annotators on both claim and submit at once; each replica is asked to start a fine-tuning job at
 * the same moment, then one replica is killed and the other stopped while their jobs run. Nothing
 * acknowledged may be missing or stored twice, no task may be handed out twice, only one job may
 * run, and a job whose replica is gone must not keep the others from starting the next.
 */
class ReplicasIT {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> JAVA_OPTIONS = List.of("-Xmx768m", "-XX:TieredStopAtLevel=1");
    private static final int SLICES = 4;
    private static final int SIZE = 128;
    private static final int ANNOTATORS_PER_REPLICA = 2;
    private static final Duration ANNOTATION_TIMEOUT = Duration.ofMinutes(2);
    // a job that runs until its server stops
    private static final int MANY_EPOCHS = 1000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void twoServersOnOneDatabaseAndStoreLoseNothingHandOutEachTaskOnceAndRunOneFineTuneAtATime() throws Exception {
        Path jar = Path.of(System.getProperty("glean.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged server; run this test with `./mvnw verify`").isRegularFile();
        Path data = dir.resolve("data");
        // phantoms: studies the bundled model scores, each queued as one task by the default policy
        List<GeneratedStudy> overGrpc = BenchmarkInstances.phantomStudies(dir.resolve("grpc"), 9, SLICES, SIZE, 19);
        List<GeneratedStudy> overCStore = BenchmarkInstances.phantomStudies(dir.resolve("cstore"), 3, SLICES, SIZE, 20);
        long started = System.nanoTime();
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("postgres"), freePort());
             GleanServerProcess a = replica(jar, data, database, "a");
             GleanServerProcess b = replica(jar, data, database, "b")) {
            long ready = System.nanoTime();
            List<GleanServerProcess> replicas = List.of(a, b);
            ExecutorService clients = Executors.newCachedThreadPool();
            List<ManagedChannel> channels = new ArrayList<>();
            try {
                // gRPC: three studies to each replica alone, three to both at the same moment;
                // C-STORE: one study to each alone, one to both
                List<Callable<Object>> sends = new ArrayList<>();
                Map<GleanServerProcess, ManagedChannel> ingest = new HashMap<>();
                for (GleanServerProcess replica : replicas) {
                    ManagedChannel channel = replica.channel("pipeline", Role.INGEST);
                    channels.add(channel);
                    ingest.put(replica, channel);
                }
                ConcurrentLinkedQueue<StudyAnalysis> answers = new ConcurrentLinkedQueue<>();
                for (int i = 0; i < overGrpc.size(); i++) {
                    GeneratedStudy study = overGrpc.get(i);
                    List<GleanServerProcess> to = i < 3 ? List.of(a) : i < 6 ? List.of(b) : replicas;
                    for (GleanServerProcess replica : to) {
                        sends.add(() -> answers.add(new IngestStudyClient(ingest.get(replica), 1 << 20)
                                .send(study.files())));
                    }
                }
                for (int i = 0; i < overCStore.size(); i++) {
                    GeneratedStudy study = overCStore.get(i);
                    for (GleanServerProcess replica : i == 0 ? List.of(a) : i == 1 ? List.of(b) : replicas) {
                        Path log = dir.resolve("storescu-" + i + "-" + replica.grpcPort() + ".log");
                        sends.add(() -> push(replica, study, log));
                    }
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Object>> sent = new ArrayList<>();
                for (Callable<Object> send : sends) {
                    sent.add(clients.submit(() -> {
                        go.await();
                        return send.call();
                    }));
                }
                go.countDown();
                for (Future<Object> each : sent) {
                    each.get(2, TimeUnit.MINUTES);
                }
                long ingested = System.nanoTime();
                assertThat(answers).hasSize(12).allSatisfy(answer ->
                        assertThat(answer.getInstanceCount()).as("instances in the answer").isEqualTo(SLICES));

                // annotators on both replicas until every study's task was submitted (the C-STORE
                // ones are queued once their quiet period ends)
                List<GeneratedStudy> all = new ArrayList<>(overGrpc);
                all.addAll(overCStore);
                ConcurrentLinkedQueue<AnnotationTask> claimed = new ConcurrentLinkedQueue<>();
                List<Future<Object>> annotating = new ArrayList<>();
                long annotationEnd = System.nanoTime() + ANNOTATION_TIMEOUT.toNanos();
                for (GleanServerProcess replica : replicas) {
                    for (int n = 0; n < ANNOTATORS_PER_REPLICA; n++) {
                        ManagedChannel channel = replica.channel("annotator-" + replica.grpcPort() + "-" + n,
                                Role.ANNOTATOR);
                        channels.add(channel);
                        annotating.add(clients.submit(() -> annotate(channel, claimed, all.size(), annotationEnd)));
                    }
                }
                for (Future<Object> annotator : annotating) {
                    annotator.get(ANNOTATION_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
                }
                long annotated = System.nanoTime();

                Set<Long> taskIds = new HashSet<>();
                claimed.forEach(task -> taskIds.add(task.getTaskId()));
                assertThat(taskIds).as("no task handed out twice").hasSameSizeAs(claimed);
                assertThat(claimed).extracting(AnnotationTask::getStudyInstanceUid).as("one task for each study")
                        .containsExactlyInAnyOrderElementsOf(all.stream().map(GeneratedStudy::studyInstanceUid).toList());

                ManagedChannel adminOfA = a.channel();
                ManagedChannel adminOfB = b.channel();
                channels.add(adminOfA);
                channels.add(adminOfB);
                Set<String> listed = new HashSet<>();
                for (GeneratedStudy study : all) {
                    Set<String> sentUids = sopInstanceUids(study.files());
                    for (GleanServerProcess replica : replicas) {
                        assertThat(instancesOf(ingest.get(replica), study.studyInstanceUid()))
                                .as("the study's instances, read from either replica").isEqualTo(sentUids);
                    }
                    listed.addAll(sentUids);
                }
                for (ManagedChannel admin : List.of(adminOfA, adminOfB)) {
                    assertThat(CurationGrpc.newBlockingStub(admin).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .listQueue(ListQueueRequest.getDefaultInstance()).getWaiting())
                            .as("tasks left waiting").isZero();
                }
                for (AnnotationTask task : claimed) {
                    for (ManagedChannel admin : List.of(adminOfA, adminOfB)) {
                        assertThat(CurationGrpc.newBlockingStub(admin).withDeadlineAfter(30, TimeUnit.SECONDS)
                                .getTask(GetTaskRequest.newBuilder().setTaskId(task.getTaskId()).build()).getState())
                                .isEqualTo(TaskState.SUBMITTED);
                    }
                }
                ServedInstances.assertStoreHoldsExactly(data.resolve("instances"), listed, 2);

                long tuned = oneFineTuneAtATime(replicas, List.of(adminOfA, adminOfB), database, clients);
                System.out.printf("Replicas: start %d s, ingest of 12 gRPC and 4 C-STORE pushes %d ms, annotation "
                        + "of %d tasks by %d annotators %d ms, checks and the first fine-tuning job %d s%n",
                        TimeUnit.NANOSECONDS.toSeconds(ready - started), TimeUnit.NANOSECONDS.toMillis(ingested - ready),
                        claimed.size(), replicas.size() * ANNOTATORS_PER_REPLICA,
                        TimeUnit.NANOSECONDS.toMillis(annotated - ingested),
                        TimeUnit.NANOSECONDS.toSeconds(tuned - annotated));
                assertThat(Files.readString(dir.resolve("replica-a").resolve("server.log"))
                        + Files.readString(dir.resolve("replica-b").resolve("server.log")))
                        .as("the replicas' logs").doesNotContain(" ERROR ");
            } finally {
                clients.shutdownNow();
                for (ManagedChannel channel : channels) {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    // Both replicas share the data folder and use the test's PostgreSQL; the second starts once the
    // first has made the folder's key material. A short C-STORE quiet period; a fine-tuning job of
    // one epoch takes 8 updates, one of many epochs 1000.
    private GleanServerProcess replica(Path jar, Path data, EmbeddedDatabase database, String name) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("replica-" + name));
        Map<String, String> settings = Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", "postgres",
                "QUARKUS_DATASOURCE_PASSWORD", "postgres",
                "GLEAN_SCP_STUDY_QUIET_PERIOD", "2S",
                "GLEAN_TRAINING_BATCH_SIZE", "4",
                "GLEAN_TRAINING_MIN_STEPS", "8",
                "GLEAN_TRAINING_MAX_STEPS", "1000",
                "GLEAN_TRAINING_HELD_OUT_SHARE", "0.4");
        return GleanServerProcess.startReady(ServerLaunch.tls(jar, JAVA_OPTIONS), data, logs.resolve("server.log"),
                settings, START_TIMEOUT);
    }

    private static Object push(GleanServerProcess replica, GeneratedStudy study, Path log) throws Exception {
        Process storescu = ServedInstances.storescu(replica, study.files()).redirectOutput(log.toFile()).start();
        assertThat(storescu.waitFor(2, TimeUnit.MINUTES)).as("storescu ends").isTrue();
        assertThat(storescu.exitValue()).as(Files.readString(log)).isZero();
        return log;
    }

    // Claims and submits (one box on the first image) until `expected` tasks were claimed by all
    // annotators together, or the time is up.
    private static Object annotate(ManagedChannel channel, ConcurrentLinkedQueue<AnnotationTask> claimed, int expected,
            long end) throws InterruptedException {
        CurationGrpc.CurationBlockingStub curation = CurationGrpc.newBlockingStub(channel);
        while (claimed.size() < expected && System.nanoTime() < end) {
            ClaimNextTaskResponse claim = curation.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .claimNextTask(ClaimNextTaskRequest.getDefaultInstance());
            if (!claim.hasTask()) {
                Thread.sleep(200);
                continue;
            }
            AnnotationTask task = claim.getTask();
            claimed.add(task);
            TaskImage image = task.getImages(0);
            curation.withDeadlineAfter(30, TimeUnit.SECONDS).submitAnnotation(SubmitAnnotationRequest.newBuilder()
                    .setTaskId(task.getTaskId())
                    .addImages(ImageAnnotation.newBuilder().setSopInstanceUid(image.getSopInstanceUid())
                            .setFrame(image.getFrame())
                            .addBoxes(Box.newBuilder().setLabel(task.getClasses(0))
                                    .setXmin(20).setYmin(24).setXmax(60).setYmax(70)))
                    .build());
        }
        return null;
    }

    // A fine-tuning job asked of both replicas at the same moment: one runs, the other replica is
    // refused. Once the job has ended, the replica that was refused starts one and is killed (kill
    // -9) while it runs: the replica that stays starts the next job, the killed one's marked FAILED.
    // That replica is then stopped (SIGTERM) while its own job runs, which it records FAILED before it
    // exits. Returns when the first job ended.
    private static long oneFineTuneAtATime(List<GleanServerProcess> replicas, List<ManagedChannel> admins,
            EmbeddedDatabase database, ExecutorService clients) throws Exception {
        CountDownLatch fire = new CountDownLatch(1);
        List<Future<FineTuneJob>> starts = new ArrayList<>();
        for (ManagedChannel admin : admins) {
            starts.add(clients.submit(() -> {
                fire.await();
                return startFineTune(admin, 1);
            }));
        }
        fire.countDown();
        List<FineTuneJob> runs = new ArrayList<>();
        List<Status> refusals = new ArrayList<>();
        int running = -1;
        for (int i = 0; i < 2; i++) {
            try {
                runs.add(starts.get(i).get(90, TimeUnit.SECONDS));
                running = i;
            } catch (ExecutionException e) {
                refusals.add(Status.fromThrowable(e.getCause()));
            }
        }
        assertThat(runs).as("jobs started").hasSize(1);
        long first = runs.get(0).getJobId();
        assertThat(refusals).singleElement().satisfies(refusal -> {
            assertThat(refusal.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refusal.getDescription()).contains("fine-tuning job " + first + " is running");
        });
        ManagedChannel stays = admins.get(running);
        ManagedChannel refusedOn = admins.get(1 - running);
        assertThat(watch(refusedOn, first).next().getState()).as("the job as the other replica sees it")
                .isEqualTo(FineTuneJob.State.RUNNING);
        FineTuneJob ended = last(watch(stays, first));
        assertThat(ended.getState()).as(ended.getReason()).isEqualTo(FineTuneJob.State.SUCCEEDED);
        long tuned = System.nanoTime();

        FineTuneJob killed = startFineTune(refusedOn, MANY_EPOCHS);
        assertThat(killed.getState()).as("the refused replica, once the job ended").isEqualTo(FineTuneJob.State.RUNNING);
        replicas.get(1 - running).kill(false);
        FineTuneJob next = startFineTune(stays, MANY_EPOCHS);
        assertThat(next.getState()).as("the next job, on the replica that stays").isEqualTo(FineTuneJob.State.RUNNING);
        FineTuneJob failed = watch(stays, killed.getJobId()).next();
        assertThat(failed.getState()).as("the killed replica's job").isEqualTo(FineTuneJob.State.FAILED);
        assertThat(failed.getReason()).contains("the server that ran the job is gone");

        GleanServerProcess last = replicas.get(running);
        last.terminate();
        assertThat(last.awaitExit(Duration.ofSeconds(60))).as("the replica stopped").isPresent();
        assertThat(jobState(database, next.getJobId())).as("the stopped replica's job, as recorded")
                .startsWith("FAILED: interrupted: the server is stopping");
        return tuned;
    }

    private static String jobState(EmbeddedDatabase database, long jobId) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl());
             PreparedStatement select = connection.prepareStatement(
                     "SELECT state || ': ' || coalesce(reason, '') FROM fine_tune_job WHERE id = ?")) {
            select.setLong(1, jobId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static FineTuneJob startFineTune(ManagedChannel admin, int epochs) {
        return ModelsGrpc.newBlockingStub(admin).withDeadlineAfter(60, TimeUnit.SECONDS)
                .startFineTune(StartFineTuneRequest.newBuilder().setEpochs(epochs).build());
    }

    private static Iterator<FineTuneJob> watch(ManagedChannel curator, long jobId) {
        return ModelsGrpc.newBlockingStub(curator).withDeadlineAfter(3, TimeUnit.MINUTES)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
    }

    private static FineTuneJob last(Iterator<FineTuneJob> updates) {
        FineTuneJob last = null;
        while (updates.hasNext()) {
            last = updates.next();
        }
        return last;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
