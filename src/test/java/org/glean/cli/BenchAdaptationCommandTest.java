package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.nio.file.Path;
import org.glean.api.PhantomStudies;
import org.glean.cli.GleanRun.Output;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code glean bench-adaptation} refuses before it starts a server; the run itself is BenchAdaptationCommandIT. */
class BenchAdaptationCommandTest {

    @TempDir
    Path dir;

    private String pool;

    @BeforeEach
    void pool() {
        pool = PhantomStudies.synth(dir.resolve("pool"), "7", 3, 1).folder().toString();
    }

    @Test
    void refusesStepsThatDoNotAscend() {
        Output run = glean("bench-adaptation", "--pool", pool, "--test", pool, "--steps", "2,2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--steps must be ascending");
    }

    @Test
    void refusesALastStepBeyondThePool() {
        Output run = glean("bench-adaptation", "--pool", pool, "--test", pool, "--steps", "2,4");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--pool holds 3 studies, fewer than the last step's 4");
    }

    @Test
    void refusesAFolderWithoutTrueBoxesAndSaysHowToMakeOne() {
        Output run = glean("bench-adaptation", "--pool", pool, "--test", dir.resolve("empty").toString(), "--steps", "1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("there is no coco.json").contains("glean synth --out");
    }

    @Test
    void leavesTheAutomaticTriggerToItself() {
        Output run = glean("bench-adaptation", "--pool", pool, "--test", pool, "--steps", "1",
                "--server-property", "glean.training.auto-fine-tune-after=5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the benchmark starts every job itself");
    }
}
