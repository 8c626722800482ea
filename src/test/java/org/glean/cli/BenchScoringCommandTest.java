package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.nio.file.Path;
import org.glean.cli.GleanRun.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code glean bench-scoring} says before it starts anything; the benchmark itself is a command, not a test. */
class BenchScoringCommandTest {

    @TempDir
    Path dir;

    @Test
    void refusesToStartWithoutTheGleanJarAndSaysHowToBuildIt() {
        Output run = glean("bench-scoring", "--server-jar", dir.resolve("missing.jar").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no Glean jar at").contains("make package");
    }

    @Test
    void refusesImagesSmallerThanThePhantomsCanBe() {
        Output run = glean("bench-scoring", "--size", "32");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("64 ≤ --size ≤ 2048");
    }

    @Test
    void isListedAmongTheCommands() {
        Output run = glean("--help");

        assertThat(run.out()).contains("bench-scoring");
    }
}
