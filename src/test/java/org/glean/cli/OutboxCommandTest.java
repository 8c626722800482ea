package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.cli.GleanRun.Output;
import org.glean.dicom.DerivedUids;
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
 * {@code glean outbox} against the test server: it lists a study's deliveries through the Outbox
 * RPC, for curators and admins only, and each listing is in the audit trail. No destination is
 * configured here, so what is written waits as PENDING.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OutboxCommandTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    Outbox outbox;

    @Inject
    AuditTrail trail;

    @TempDir
    Path dir;

    @Test
    void listsAStudysDeliveriesWithTheirStateAndAttempts() throws Exception {
        String study = DcmtkFiles.newUid();
        String sop = DerivedUids.derive(7, "outbox-command", study);
        outbox.add(new Outbox.OutgoingDocument(sop, study, DocumentKind.KOS, ResultDocuments.KEY_OBJECT_SELECTION,
                new byte[] {1, 2, 3}, "v1", null), List.of("pacs-a", "pacs-b"));
        Path curatorToken = Files.writeString(dir.resolve("token"), TestTokens.token("curator-o", Role.CURATOR));

        Output listed = glean("outbox", "--study", study, "--destination", "pacs-b", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--plaintext", "--token-file", curatorToken.toString());

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        String[] lines = listed.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).matches("#\\d+ pacs-b kos PENDING attempts 0 next \\S+ study " + study + " sop " + sop);
        List<AuditRecord> rows = AuditRows.of(trail, "curator-o");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).action()).isEqualTo(AuditAction.OUTBOX_READ.name());
        assertThat(rows.get(0).detail()).startsWith("1 deliveries");
    }

    @Test
    void anAnnotatorMayNotListItAndAnUnknownStateIsRefused() throws Exception {
        Path annotatorToken = Files.writeString(dir.resolve("token"), TestTokens.token("annotator-o", Role.ANNOTATOR));

        Output refused = glean("outbox", "--host", "127.0.0.1", "--port", String.valueOf(port), "--plaintext",
                "--token-file", annotatorToken.toString());
        Output unknownState = glean(server(port), "outbox", "--state", "LOST");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("PERMISSION_DENIED");
        assertThat(unknownState.exitCode()).isEqualTo(1);
        assertThat(unknownState.err()).contains("INVALID_ARGUMENT", "state LOST is not one of PENDING, RETRYING, DELIVERED, FAILED");
        assertThat(glean(server(port), "outbox", "--limit", "0").exitCode()).isEqualTo(2);
    }
}
