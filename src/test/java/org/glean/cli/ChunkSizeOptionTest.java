package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.nio.file.Path;
import org.glean.cli.GleanRun.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --chunk-size}, shared by the commands that stream studies, refused outside 1 byte … 8 MiB before anything is sent. */
class ChunkSizeOptionTest {

    @TempDir
    Path dir;

    @Test
    void sendRefusesAChunkAboveEightMebibytes() {
        Output run = glean("send", dir.toString(), "--chunk-size", "8388609");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("glean send: --chunk-size must be between 1 and 8388608 bytes");
    }

    @Test
    void pullRefusesAnEmptyChunk() {
        Output run = glean("pull", "--url", "http://127.0.0.1:9/dicom-web", "--chunk-size", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("glean pull: --chunk-size must be between 1 and 8388608 bytes");
    }
}
