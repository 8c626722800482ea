package org.glean.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.glean.server.ServedInstances.instancesOf;
import static org.glean.server.ServedInstances.sopInstanceUids;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.glean.api.IngestStudyClient;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.bench.BenchmarkInstances;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.bench.GleanServerProcess;
import org.glean.bench.ServerLaunch;
import org.glean.security.ClientChannels;
import org.glean.security.LocalCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server (glean.jar, set by the build after {@code package}) as an operator meets it
 * on one data folder: killed with {@code kill -9} while a pipeline pushes over gRPC, restarted,
 * killed again while a PACS pushes over C-STORE (DCMTK's storescu), restarted, then stopped with
 * SIGTERM while an ingest is in progress. Each restart must come up by itself with every
 * acknowledged instance stored and readable and nothing half-written, and sending again must
 * complete the studies. The tests run in order on the same folder, each on the server the one
 * before left running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> JAVA_OPTIONS = List.of("-Xmx1g", "-XX:TieredStopAtLevel=1");
    private static final int SLICES = 12;
    private static final int PUSHED = 200;

    // one folder for the whole class, kept when a test fails, with the servers' logs in run-N/server.log
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private Path jar;
    private Path data;
    private GleanServerProcess server;
    private int runs;
    private final List<GeneratedStudy> sentOverGrpc = new ArrayList<>();

    @AfterAll
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void aServerKilledDuringGrpcIngestStartsByItselfWithEveryAcknowledgedStudyAndNothingHalfWritten()
            throws Exception {
        jar = Path.of(System.getProperty("glean.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged server; run this test with `./mvnw verify`").isRegularFile();
        data = dir.resolve("data");
        List<GeneratedStudy> studies = BenchmarkInstances.write(dir.resolve("grpc"), 4 * SLICES, 4, 64);
        sentOverGrpc.addAll(studies);
        server = start();
        List<GeneratedStudy> acknowledged = new CopyOnWriteArrayList<>();
        ManagedChannel channel = server.channel();
        try {
            IngestStudyClient client = new IngestStudyClient(channel, 1 << 20);
            for (GeneratedStudy study : studies.subList(0, 2)) {
                client.send(study.files());
                acknowledged.add(study);
            }
            // one call holds half its study when the server dies, another streams a whole one
            HeldCall held = HeldCall.open(channel);
            held.send(studies.get(2).files().subList(0, SLICES / 2));
            CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
                try {
                    client.send(studies.get(3).files());
                    acknowledged.add(studies.get(3));
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            // the process group's kill: the JVM and its watchdog, not the detached PostgreSQL
            long killed = server.pid();
            server.kill(true);
            Optional<ProcessHandle> orphan = server.postmaster();
            assertThat(orphan).as("the embedded PostgreSQL outlives a server killed with its watchdog").isPresent();
            streaming.exceptionally(failure -> null).get(30, TimeUnit.SECONDS);
            assertThat(held.outcome().get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

            server = start();
            assertThat(orphan.get().isAlive()).as("the next start stopped it").isFalse();
            assertThat(server.log()).contains("The embedded PostgreSQL (pid " + orphan.get().pid())
                    .contains("Took over the upload folder of pid " + killed + ",");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        channel = server.channel();
        try {
            for (GeneratedStudy study : acknowledged) {
                assertThat(instancesOf(channel, study.studyInstanceUid())).as("acknowledged study")
                        .isEqualTo(sopInstanceUids(study.files()));
            }
            assertThat(sopInstanceUids(studies.get(2).files().subList(0, SLICES / 2)))
                    .containsAll(instancesOf(channel, studies.get(2).studyInstanceUid()));
            assertStoreHoldsExactlyWhatIsListed(channel, studies);

            IngestStudyClient client = new IngestStudyClient(channel, 1 << 20);
            for (GeneratedStudy study : studies) {
                assertThat(client.send(study.files()).getInstanceCount()).as("sent again").isEqualTo(SLICES);
                assertThat(instancesOf(channel, study.studyInstanceUid())).isEqualTo(sopInstanceUids(study.files()));
            }
            assertStoreHoldsExactlyWhatIsListed(channel, studies);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void aServerKilledDuringACStorePushTakesItsPostgresAlongAndKeepsEveryAcknowledgedInstance() throws Exception {
        GeneratedStudy pushed = BenchmarkInstances.write(dir.resolve("cstore"), PUSHED, 1, 64).get(0);
        Process storescu = storescu(pushed.files()).start();
        List<Path> acknowledged = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> readAcknowledged(storescu, acknowledged));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < PUSHED / 10 && System.nanoTime() < deadline && storescu.isAlive()) {
            Thread.sleep(5);
        }
        assertThat(acknowledged).as("storescu's first acknowledgements").hasSizeGreaterThanOrEqualTo(PUSHED / 10);
        ProcessHandle postmaster = server.postmaster().orElseThrow();

        server.kill(false);

        assertThat(postmaster.onExit().get(30, TimeUnit.SECONDS).isAlive())
                .as("the watchdog stops PostgreSQL with its server").isFalse();
        assertThat(storescu.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reading.get(30, TimeUnit.SECONDS);
        assertThat(acknowledged).as("killed mid-push").hasSizeLessThan(PUSHED);

        server = start();
        ManagedChannel channel = server.channel();
        try {
            Set<String> stored = instancesOf(channel, pushed.studyInstanceUid());
            assertThat(stored).containsAll(sopInstanceUids(acknowledged));
            assertThat(sopInstanceUids(pushed.files())).containsAll(stored);
            assertStoreHoldsExactlyWhatIsListed(channel, concat(sentOverGrpc, pushed));

            Path log = dir.resolve("storescu-again.log");
            Process again = storescu(pushed.files()).redirectOutput(log.toFile()).start();
            assertThat(again.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(again.exitValue()).as(Files.readString(log)).isZero();
            assertThat(instancesOf(channel, pushed.studyInstanceUid())).isEqualTo(sopInstanceUids(pushed.files()));
            assertStoreHoldsExactlyWhatIsListed(channel, concat(sentOverGrpc, pushed));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(3)
    void aSecondServerOnTheSameDataFolderIsRefusedWithAReason() throws Exception {
        Path log = Files.createDirectories(dir.resolve("second")).resolve("server.log");
        try (GleanServerProcess second = GleanServerProcess.start(ServerLaunch.tls(jar, JAVA_OPTIONS), data, log)) {
            OptionalInt status = second.awaitExit(Duration.ofMinutes(1));

            assertThat(status).as("it gives up by itself").isPresent();
            assertThat(status.getAsInt()).isNotZero();
            assertThat(second.logTail()).contains("another glean serve is using it").contains("GLEAN_DATA_DIR");
        }
        assertThat(server.postmaster()).as("the running server's PostgreSQL is untouched").isPresent();
    }

    @Test
    @Order(4)
    void sigtermLetsTheIngestInProgressFinishRefusesNewCallsAndExits() throws Exception {
        GeneratedStudy study = BenchmarkInstances.write(dir.resolve("drain"), SLICES, 1, 64).get(0);
        ManagedChannel channel = server.channel();
        ManagedChannel withoutToken = ClientChannels.tls(server.host(), server.grpcPort(),
                Optional.of(data.resolve("tls").resolve(LocalCertificateAuthority.CA_CERTIFICATE))).build();
        try {
            HeldCall inProgress = HeldCall.open(channel);
            inProgress.send(study.files().subList(0, SLICES / 2));
            Thread.sleep(200);
            long stopAsked = System.nanoTime();
            server.terminate();
            Thread.sleep(1000);

            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> StudyIngestGrpc.newBlockingStub(withoutToken)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(study.studyInstanceUid()).build()));
            ServingStatus health = HealthGrpc.newBlockingStub(withoutToken).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
            inProgress.send(study.files().subList(SLICES / 2, SLICES));
            inProgress.finish();

            assertThat(inProgress.outcome().get(60, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
            assertThat(inProgress.analysis().getInstanceCount()).isEqualTo(SLICES);
            assertThat(refused.getStatus().getCode()).as("a new call while stopping, before its token is checked")
                    .isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(health).as("out of service for load balancers while draining").isEqualTo(ServingStatus.NOT_SERVING);
            OptionalInt status = server.awaitExit(Duration.ofSeconds(50));
            assertThat(status).as("exits within glean.shutdown.drain-timeout").isPresent();
            assertThat(status.getAsInt()).as(server.logTail()).isZero();
            System.out.printf("SIGTERM to exit with a call in progress: %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAsked));
            assertThat(server.postmaster()).as("its PostgreSQL stopped with it").isEmpty();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            withoutToken.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private GleanServerProcess start() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("run-" + ++runs));
        return GleanServerProcess.startReady(ServerLaunch.tls(jar, JAVA_OPTIONS), data, logs.resolve("server.log"), START_TIMEOUT);
    }

    // The store holds exactly the instances the server lists for the studies; no upload folder of a
    // killed server is left.
    private void assertStoreHoldsExactlyWhatIsListed(ManagedChannel channel, List<GeneratedStudy> studies)
            throws Exception {
        Set<String> listed = new HashSet<>();
        for (GeneratedStudy study : studies) {
            listed.addAll(instancesOf(channel, study.studyInstanceUid()));
        }
        ServedInstances.assertStoreHoldsExactly(data.resolve("instances"), listed, 1);
    }

    private static List<GeneratedStudy> concat(List<GeneratedStudy> studies, GeneratedStudy more) {
        List<GeneratedStudy> all = new ArrayList<>(studies);
        all.add(more);
        return all;
    }

    // One association, each C-STORE waiting for its response, verbose so that every response shows.
    private ProcessBuilder storescu(List<Path> files) {
        return ServedInstances.storescu(server, files);
    }

    // A file is acknowledged once storescu reports a successful response after sending it.
    private static void readAcknowledged(Process storescu, List<Path> acknowledged) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(storescu.getInputStream(),
                StandardCharsets.UTF_8))) {
            Path sending = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("I: Sending file: ")) {
                    sending = Path.of(line.substring("I: Sending file: ".length()));
                } else if (line.startsWith("I: Received Store Response (Success)") && sending != null) {
                    acknowledged.add(sending);
                    sending = null;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An IngestStudy call the test feeds by hand: instances now, the end of the stream later. */
    private static final class HeldCall implements StreamObserver<StudyAnalysis> {

        private final CompletableFuture<Status> outcome = new CompletableFuture<>();
        private volatile StudyAnalysis analysis;
        private StreamObserver<IngestChunk> requests;
        private int nextIndex;

        static HeldCall open(ManagedChannel channel) {
            HeldCall call = new HeldCall();
            call.requests = StudyIngestGrpc.newStub(channel).ingestStudy(call);
            return call;
        }

        // each instance whole in one chunk (they are a few kilobytes)
        void send(List<Path> files) throws IOException {
            for (Path file : files) {
                requests.onNext(IngestChunk.newBuilder().setInstanceIndex(nextIndex++)
                        .setData(ByteString.copyFrom(Files.readAllBytes(file))).setLastChunk(true).build());
            }
        }

        void finish() {
            requests.onCompleted();
        }

        CompletableFuture<Status> outcome() {
            return outcome;
        }

        StudyAnalysis analysis() {
            return analysis;
        }

        @Override
        public void onNext(StudyAnalysis value) {
            analysis = value;
        }

        @Override
        public void onError(Throwable t) {
            outcome.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            outcome.complete(Status.OK);
        }
    }
}
