package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.cli.GleanRun.glean;
import static org.glean.cli.GleanRun.server;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.cli.GleanRun.Output;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.IngestService;
import org.glean.ingest.StudyNotFoundException;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glean delete-study} against the test server: a sent study deleted, then not found. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DeleteStudyCommandTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    IngestService ingest;

    @TempDir
    Path dir;

    @Test
    void deletesASentStudyAndSaysSoThenFindsItNoMore() {
        String study = DcmtkFiles.newUid();
        DcmtkFiles.write(dir, Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 32), Syntax.EXPLICIT_LITTLE);
        Output sent = glean(server(port), "send", dir.toString());
        assertThat(sent.exitCode()).as(sent.err()).isZero();

        Output deleted = glean(server(port), "delete-study", study);
        Output again = glean(server(port), "delete-study", study);

        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).isEqualTo("Deleted study " + study + ": 1 instance(s) in 1 series, 1 file(s) removed, "
                + "0 analysis(es), 0 task(s) of which 0 submitted\n");
        assertThatThrownBy(() -> ingest.study(study))
                .isInstanceOf(StudyNotFoundException.class);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains(study + ": the server at 127.0.0.1:" + port + " answered NOT_FOUND");
    }
}
