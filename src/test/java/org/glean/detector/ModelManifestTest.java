package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelManifestTest {

    @Test
    void aNewManifestRecordsTheCommitThisCodeWasBuiltFrom() throws IOException, InterruptedException {
        ModelManifest manifest = ModelManifest.describe(TinyNetworks.config(), TinyNetworks.preprocessing());

        // The build (this test's own Maven run) stamped the repository's HEAD; the tests run in it.
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(manifest.gitCommit()).isEqualTo(ModelManifest.BUILD_COMMIT);
        if (git.waitFor() == 0) {
            assertThat(manifest.gitCommit()).matches("[0-9a-f]{40}(-dirty)?").startsWith(head);
        } else {
            assertThat(manifest.gitCommit()).as("a build outside a git checkout").isEqualTo("unknown");
        }
    }
}
