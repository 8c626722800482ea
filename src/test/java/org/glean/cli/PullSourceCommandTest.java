package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.cli.GleanRun.Output;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.InstanceStore;
import org.glean.pacs.OrthancDimseTestResource;
import org.glean.pacs.PacsStudies;
import org.glean.pacs.SourceCheckpoints;
import org.glean.proto.v1.ListSourcesRequest;
import org.glean.proto.v1.SourceInfo;
import org.glean.proto.v1.SourcesGrpc;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glean pull --source NAME} against the test server and a real Orthanc configured there as
 * a DIMSE source the server does not poll: the server runs one pass (Sources.PullSource), streams
 * its progress without naming a study, remembers what it took, and a second pull takes nothing.
 * Only curators and admins may; each pass is in the audit trail. ListSources names the source.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(value = OrthancDimseTestResource.class, initArgs = @ResourceArg(name = "polled", value = "false"))
class PullSourceCommandTest {

    private static final String SOURCE = OrthancDimseTestResource.SOURCE;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    SourceCheckpoints checkpoints;

    @Inject
    AnalysisRepository analyses;

    @Inject
    InstanceStore store;

    @Inject
    AuditTrail trail;

    @TempDir
    Path dir;

    @Test
    void theServerPullsTheSourceOnceWithProgressAndASecondPullTakesNothing() throws Exception {
        PacsStudies studies = new PacsStudies(dir);
        String study = studies.load(OrthancDimseTestResource.orthanc(), 2, 2, false);
        studies.load(OrthancDimseTestResource.orthanc(), 1, 1, true); // not CT: not matched
        Path token = Files.writeString(dir.resolve("token"), TestTokens.token("curator-p", Role.CURATOR));

        Output first = pull(token, "--source", SOURCE);
        Output second = pull(token, "--source", SOURCE);

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().strip().split("\n")).containsExactly(
                "Source dimse: 1 studies match, 0 of them taken before",
                "[1/1] study taken: 4 instances stored, 0 refused",
                "1 of 1 matching studies taken (4 instances stored, 0 refused)");
        assertThat(first.out()).doesNotContain(study);
        assertThat(checkpoints.taken(SOURCE)).containsExactly(study);
        studies.assertStoredAsSentAndScored(study, analyses, store);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out().strip().split("\n")).containsExactly(
                "Source dimse: 1 studies match, 1 of them taken before",
                "0 of 1 matching studies taken (0 instances stored, 0 refused)");
        List<AuditRecord> rows = AuditRows.of(trail, "curator-p");
        assertThat(rows).extracting(AuditRecord::action).containsExactly(AuditAction.SOURCE_PULLED.name(),
                AuditAction.SOURCE_PULLED.name());
        assertThat(rows).extracting(AuditRecord::detail).contains(
                "1 studies taken, 0 in part (4 instances stored, 0 refused); 1 matched, 0 taken before");
    }

    @Test
    void listSourcesSaysHowEachIsReachedAndWhetherItIsPolled() throws Exception {
        ManagedChannel channel = LoopbackChannels.open(port, TestTokens.as("curator-l", Role.CURATOR));
        try {
            List<SourceInfo> sources = SourcesGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listSources(ListSourcesRequest.getDefaultInstance()).getSourcesList();

            assertThat(sources).hasSize(1);
            assertThat(sources.get(0).getName()).isEqualTo(SOURCE);
            assertThat(sources.get(0).getLocation()).isEqualTo("C-FIND/C-MOVE at ORTHANC@127.0.0.1:"
                    + OrthancDimseTestResource.orthanc().dicomPort() + ", moving to AE GLEAN");
            assertThat(sources.get(0).getPolled()).isFalse();
            assertThat(AuditRows.of(trail, "curator-l")).extracting(AuditRecord::action)
                    .containsExactly(AuditAction.SOURCES_READ.name());
        } finally {
            LoopbackChannels.close(channel);
        }
    }

    @Test
    void sourcesListsEachSourceWithItsPollingStateAndCheckpoint() throws Exception {
        PacsStudies studies = new PacsStudies(dir);
        studies.load(OrthancDimseTestResource.orthanc(), 1, 1, false);
        Path curator = Files.writeString(dir.resolve("curator"), TestTokens.token("curator-s", Role.CURATOR));
        Path annotator = Files.writeString(dir.resolve("annotator"), TestTokens.token("annotator-s", Role.ANNOTATOR));
        assertThat(pull(curator, "--source", SOURCE).exitCode()).isZero();

        Output listed = sources(curator);
        Output refused = sources(annotator);

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        String[] lines = listed.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("dimse: C-FIND/C-MOVE at ORTHANC@127.0.0.1:"
                + OrthancDimseTestResource.orthanc().dicomPort() + ", moving to AE GLEAN");
        assertThat(lines[1]).startsWith("  not polled; " + checkpoints.taken(SOURCE).size() + " studies taken,"
                + " the last at ").contains("; last pass ").endsWith(": works").doesNotContain("next pass");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("PERMISSION_DENIED");
        assertThat(AuditRows.of(trail, "curator-s")).extracting(AuditRecord::action)
                .containsExactly(AuditAction.SOURCE_PULLED.name(), AuditAction.SOURCES_READ.name());
    }

    @Test
    void anAnnotatorMayNotPullAnUnknownSourceIsNotFoundAndAQueryBesideASourceIsRefused() throws Exception {
        Path annotator = Files.writeString(dir.resolve("token"), TestTokens.token("annotator-p", Role.ANNOTATOR));

        Output refused = pull(annotator, "--source", SOURCE);
        Output unknown = pull(GleanRun.ADMIN_TOKEN, "--source", "elsewhere");
        Output withQuery = pull(GleanRun.ADMIN_TOKEN, "--source", SOURCE, "--modality", "MR");
        Output neither = pull(GleanRun.ADMIN_TOKEN);

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("PERMISSION_DENIED");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("NOT_FOUND", "no PACS source named 'elsewhere'", "configured: dimse");
        assertThat(withQuery.exitCode()).isEqualTo(2);
        assertThat(withQuery.err()).contains("--source uses the source's own query");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(AuditRows.of(trail, "annotator-p")).extracting(AuditRecord::outcome)
                .containsExactly("PERMISSION_DENIED");
    }

    private Output sources(Path token) {
        return glean("sources", "--host", "127.0.0.1", "--port", String.valueOf(port), "--plaintext", "--token-file",
                token.toString());
    }

    private Output pull(Path token, String... options) {
        String[] arguments = new String[options.length + 8];
        String[] server = {"pull", "--host", "127.0.0.1", "--port", String.valueOf(port), "--plaintext",
                "--token-file", token.toString()};
        System.arraycopy(server, 0, arguments, 0, server.length);
        System.arraycopy(options, 0, arguments, server.length, options.length);
        return glean(arguments);
    }
}
