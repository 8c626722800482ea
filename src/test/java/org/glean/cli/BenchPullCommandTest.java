package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.nio.file.Path;
import org.glean.cli.GleanRun.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code glean bench-pull} says before it starts anything; the benchmark itself is a command, not a test. */
class BenchPullCommandTest {

    @TempDir
    Path dir;

    @Test
    void refusesToStartWithoutTheGleanJarAndSaysHowToBuildIt() {
        Output run = glean("bench-pull", "--server-jar", dir.resolve("missing.jar").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no Glean jar at").contains("make package");
    }

    @Test
    void refusesARunWithoutRounds() {
        Output run = glean("bench-pull", "--rounds", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--rounds ≥ 1");
    }
}
