package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.glean.health.HealthEndpoints;
import org.glean.ingest.CStoreIngest;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.InstanceStore;
import org.glean.proto.v1.ClaimNextTaskRequest;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.RestartablePostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped and started again under a running server while clients keep sending
 * studies: while it is down, gRPC calls are answered UNAVAILABLE with advice in plain words (never
 * UNKNOWN or INTERNAL), a C-STORE is refused out-of-resources, and the server is not ready; once
 * it is back the server serves again without a restart, and every study it acknowledged is in the
 * database with its files in the store, while no record lacks its file.
 */
@QuarkusTest
@WithTestResource(RestartablePostgresTestResource.class)
class DatabaseOutageTest extends LoopbackGrpcTest {

    private static final int LOAD_CLIENTS = 2;
    private static final int STUDIES_PER_CLIENT = 12;

    @Inject
    DataSource dataSource;

    @Inject
    InstanceStore store;

    @Inject
    CStoreIngest scp;

    @TempDir
    Path dir;

    /** One study a load client sent: its instances' SOP UIDs and how the call ended. */
    private record Sent(List<String> sopInstanceUids, Status.Code code, String description) {
    }

    @Test
    void answersUnavailableWhileTheDatabaseIsDownAndLosesNothingAcknowledged() throws Exception {
        List<List<Spec>> studies = new ArrayList<>();
        Map<Spec, Path> files = new ConcurrentHashMap<>();
        for (int i = 0; i < LOAD_CLIENTS * STUDIES_PER_CLIENT + 3; i++) {
            String study = DcmtkFiles.newUid();
            String series = DcmtkFiles.newUid();
            List<Spec> instances = List.of(Spec.ct(study, series, 1, 1, 64), Spec.ct(study, series, 1, 2, 64));
            instances.forEach(spec -> files.put(spec, DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE)));
            studies.add(instances);
        }
        assertThat(send(studies.get(0), files).code()).isEqualTo(Status.Code.OK);

        List<Sent> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int client = 0; client < LOAD_CLIENTS; client++) {
            List<List<Spec>> own = studies.subList(3 + client * STUDIES_PER_CLIENT, 3 + (client + 1) * STUDIES_PER_CLIENT);
            Thread thread = new Thread(() -> {
                // round after round, resending (which is safe) until the test has seen the outage through
                for (int round = 0; loading.get(); round++) {
                    sent.add(send(own.get(round % own.size()), files));
                    sleep(Duration.ofMillis(150));
                }
            }, "outage-load-" + client);
            thread.start();
            load.add(thread);
        }
        sleep(Duration.ofSeconds(1));

        RestartablePostgresTestResource.stopDatabase();
        try {
            Sent refused = send(studies.get(1), files);
            assertThat(refused.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(refused.description()).contains("database cannot be reached").contains("send again");

            StatusRuntimeException claim = catchThrowableOfType(StatusRuntimeException.class,
                    () -> CurationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .claimNextTask(ClaimNextTaskRequest.getDefaultInstance()));
            assertThat(claim.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(claim.getStatus().getDescription()).contains("send again in a few seconds");

            DcmtkFiles.Result push = DcmtkFiles.execute(List.of("storescu", "-v", "-nh", "-aet", "OUTAGE",
                    "-aec", "GLEAN", "127.0.0.1", String.valueOf(scp.port().orElseThrow()),
                    files.get(studies.get(2).get(0)).toString()));
            assertThat(push.output()).contains("Received Store Response (Refused: OutOfResources)");

            assertThat(HealthEndpoints.grpcStatus(port)).isEqualTo(ServingStatus.NOT_SERVING);
        } finally {
            RestartablePostgresTestResource.startDatabase();
        }

        long back = System.nanoTime();
        while (HealthEndpoints.grpcStatus(port) != ServingStatus.SERVING) {
            assertThat(Duration.ofNanos(System.nanoTime() - back)).as("ready again").isLessThan(Duration.ofSeconds(60));
            sleep(Duration.ofMillis(500));
        }
        // Connections the pool held from before the outage are found broken on first use (each
        // such call answered UNAVAILABLE, as the advice says to send again); then the server serves.
        Sent afterwards = send(studies.get(1), files);
        for (int attempt = 1; afterwards.code() == Status.Code.UNAVAILABLE && attempt < 10; attempt++) {
            sleep(Duration.ofSeconds(1));
            afterwards = send(studies.get(1), files);
        }
        assertThat(afterwards.code()).as(afterwards.description()).isEqualTo(Status.Code.OK);
        sleep(Duration.ofSeconds(2)); // the load clients get acknowledgements again
        loading.set(false);
        for (Thread client : load) {
            client.join(90_000);
        }

        assertThat(sent).extracting(Sent::code).as("how the load's calls ended")
                .containsOnly(Status.Code.OK, Status.Code.UNAVAILABLE)
                .contains(Status.Code.OK, Status.Code.UNAVAILABLE);
        List<String> acknowledged = new ArrayList<>(afterwards.sopInstanceUids());
        sent.stream().filter(study -> study.code() == Status.Code.OK).forEach(study ->
                acknowledged.addAll(study.sopInstanceUids()));
        Map<String, String> recorded = recordedInstances();
        assertThat(recorded).containsKeys(acknowledged.toArray(String[]::new));
        for (Map.Entry<String, String> record : recorded.entrySet()) {
            Path file = store.pathOf(record.getValue());
            assertThat(file).as("the file of a recorded instance").exists();
            assertThat(sha256(file)).isEqualTo(record.getValue());
        }
    }

    private Sent send(List<Spec> study, Map<Spec, Path> files) {
        List<String> uids = study.stream().map(Spec::sopUid).toList();
        try {
            StudyAnalysis analysis = IngestCalls.ingest(channel, study.stream().map(files::get).toArray(Path[]::new));
            return new Sent(uids, Status.Code.OK, analysis.getStudyInstanceUid());
        } catch (StatusRuntimeException e) {
            return new Sent(uids, e.getStatus().getCode(), e.getStatus().getDescription());
        }
    }

    // SOP Instance UID → content hash of every instance recorded
    private Map<String, String> recordedInstances() throws Exception {
        Map<String, String> recorded = new ConcurrentHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT sop_instance_uid, content_sha256 FROM instance");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                recorded.put(rows.getString(1), rows.getString(2));
            }
        }
        return recorded;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
