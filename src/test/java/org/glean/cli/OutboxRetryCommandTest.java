package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.bench.OrthancProcess;
import org.glean.cli.GleanRun.Output;
import org.glean.dicom.ResultDocuments;
import org.glean.ingest.DcmtkFiles;
import org.glean.pacs.DocumentKind;
import org.glean.pacs.Outbox;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's dead letter with a real C-STORE destination (Orthanc) that is down: after
 * {@code glean.pacs.outbox.max-attempts} (2 here) failed attempts a delivery is FAILED with its
 * last error and is no longer tried; {@code glean outbox} lists it; {@code glean outbox --retry}
 * (an admin's, not a curator's) queues it again, and it is delivered once the PACS is back.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(OutboxRetryCommandTest.DownDestination.class)
class OutboxRetryCommandTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    Outbox outbox;

    @Inject
    AuditTrail trail;

    @TempDir
    Path dir;

    @Test
    void aDeliveryFailedMaxAttemptsTimesWaitsAsFailedUntilAnAdminQueuesItAgain() throws Exception {
        String study = DcmtkFiles.newUid();
        DcmtkFiles.Spec spec = DcmtkFiles.Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 16);
        byte[] part10 = Files.readAllBytes(DcmtkFiles.write(dir, spec, DcmtkFiles.Syntax.EXPLICIT_LITTLE));
        outbox.add(new Outbox.OutgoingDocument(spec.sopUid(), study, DocumentKind.SR,
                ResultDocuments.COMPREHENSIVE_SR, part10, "v1", null), List.of(DownDestination.NAME));

        Outbox.Entry failed = awaitState(study, Outbox.State.FAILED);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.lastError()).contains("cannot connect");
        Thread.sleep(1000); // five rounds of the worker, each of which would have tried a RETRYING one
        assertThat(entry(study).attempts()).as("attempts of a FAILED delivery").isEqualTo(2);

        Path curator = Files.writeString(dir.resolve("token"), TestTokens.token("curator-r", Role.CURATOR));
        Output listed = glean(options(curator), "outbox", "--state", "FAILED", "--study", study);
        Output curatorRetry = glean(options(curator), "outbox", "--retry", String.valueOf(failed.id()));
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out().strip()).startsWith("#" + failed.id() + " " + DownDestination.NAME
                + " sr FAILED attempts 2").contains("cannot connect");
        assertThat(curatorRetry.exitCode()).isEqualTo(1);
        assertThat(curatorRetry.err()).contains("PERMISSION_DENIED");
        assertThat(entry(study).state()).isEqualTo(Outbox.State.FAILED);

        DownDestination.bringBack();
        Output retried = glean(server(port), "outbox", "--retry", String.valueOf(failed.id()));

        assertThat(retried.exitCode()).as(retried.err()).isZero();
        assertThat(retried.out().strip()).isEqualTo("#" + failed.id() + " queued again");
        Outbox.Entry delivered = awaitState(study, Outbox.State.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(1);
        assertThat(DownDestination.orthanc.instanceCount()).isEqualTo(1);
        List<AuditRecord> rows = AuditRows.of(trail, AuditAction.OUTBOX_RETRIED);
        assertThat(rows).extracting(AuditRecord::actor, AuditRecord::outcome).containsExactly(
                tuple("curator-r", "PERMISSION_DENIED"),
                tuple(TestTokens.TEST_ADMIN, "OK"));

        Output again = glean(server(port), "outbox", "--retry", String.valueOf(failed.id()));
        Output unknown = glean(server(port), "outbox", "--retry", "987654321");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("FAILED_PRECONDITION", "is not FAILED");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("NOT_FOUND");
    }

    private Outbox.Entry awaitState(String study, Outbox.State state) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (entry(study).state() != state && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(entry(study).state()).isEqualTo(state);
        return entry(study);
    }

    private Outbox.Entry entry(String study) {
        return outbox.list(new Outbox.Filter(null, null, study, 10)).get(0);
    }

    private String[] options(Path token) {
        return new String[] {"--host", "127.0.0.1", "--port", String.valueOf(port), "--plaintext", "--token-file",
                token.toString()};
    }

    /**
     * A plain Orthanc as the C-STORE destination {@code down}, stopped once started, so that it is
     * down until {@link #bringBack}; two attempts per delivery, retried after 100 to 200 ms.
     */
    public static class DownDestination implements QuarkusTestResourceLifecycleManager {

        static final String NAME = "down";
        static volatile OrthancProcess orthanc;

        @Override
        public Map<String, String> start() {
            try {
                orthanc = OrthancProcess.start(Files.createTempDirectory(Files.createDirectories(Path.of("target")),
                        "orthanc-down"));
                orthanc.awaitReady(Duration.ofMinutes(1));
                orthanc.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start Orthanc", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String prefix = "glean.pacs.destinations." + NAME + ".";
            return Map.of(
                    prefix + "host", "127.0.0.1",
                    prefix + "port", Integer.toString(orthanc.dicomPort()),
                    prefix + "called-ae-title", OrthancProcess.AE_TITLE,
                    prefix + "connect-timeout", "1S",
                    "glean.pacs.outbox.max-attempts", "2",
                    "glean.pacs.outbox.poll-interval", "200MS",
                    "glean.pacs.outbox.backoff.initial", "100MS",
                    "glean.pacs.outbox.backoff.max", "200MS",
                    "glean.pacs.outbox.catch-up.interval", "1H");
        }

        static void bringBack() throws IOException, InterruptedException {
            orthanc = orthanc.startAgain();
        }

        @Override
        public void stop() {
            try {
                orthanc.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
