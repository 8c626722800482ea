package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.cli.GleanRun.Output;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glean audit} against the test server: listing with filters, verifying, and who may. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuditCommandTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    AuditTrail trail;

    @TempDir
    Path dir;

    @Test
    void listsTheEntriesOfAnActorOldestFirst() {
        String actor = "reader-" + UUID.randomUUID();
        trail.append(AuditEntry.of(new Actor(actor, "10.1.2.40:51234"), AuditAction.TASK_READ).task(12L)
                .study("1.2.3.4").detail("CLAIMED, 24 frame(s)"));
        trail.append(AuditEntry.of(new Actor(actor, "10.1.2.40:51234"), AuditAction.ANNOTATIONS_EXPORTED)
                .outcome("PERMISSION_DENIED"));

        Output listed = glean(server(port), "audit", "--actor", actor, "--since", "PT1H");

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        String[] lines = listed.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains(actor + "@10.1.2.40:51234 TASK_READ OK study "
                + AuditRows.studyRef("1.2.3.4").substring(0, 16) + "… task 12: CLAIMED, 24 frame(s)");
        assertThat(lines[1]).contains(" ANNOTATIONS_EXPORTED PERMISSION_DENIED");
        assertThat(listed.out()).doesNotContain("1.2.3.4");

        Output oneAction = glean(server(port), "audit", "--actor", actor, "--action", "ANNOTATIONS_EXPORTED");
        assertThat(oneAction.out().strip().split("\n")).hasSize(1);
    }

    @Test
    void verifyingReportsAnIntactChainWithItsLastHash() {
        Output verified = glean(server(port), "audit", "--verify");

        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).startsWith("Audit trail intact: ").contains(", last hash ");
    }

    @Test
    void onlyAnAdminMayReadTheTrail() throws Exception {
        Path curatorToken = Files.writeString(dir.resolve("token"), TestTokens.token("curator-x", Role.CURATOR));

        Output refused = glean("audit", "--verify", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--plaintext", "--token-file", curatorToken.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("PERMISSION_DENIED");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(glean(server(port), "audit", "--since", "yesterday").err())
                .contains("--since takes an instant such as 2026-12-05T08:00:00Z or a duration such as PT24H");
        assertThat(glean(server(port), "audit", "--limit", "0").exitCode()).isEqualTo(2);
        Output unknownAction = glean(server(port), "audit", "--action", "LOOKED");
        assertThat(unknownAction.exitCode()).isEqualTo(1);
        assertThat(unknownAction.err()).contains("INVALID_ARGUMENT", "unknown action LOOKED");
    }
}
