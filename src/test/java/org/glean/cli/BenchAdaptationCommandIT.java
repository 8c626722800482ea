package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glean.api.PhantomStudies;
import org.glean.cli.GleanRun.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glean bench-adaptation} through the packaged server (glean.jar, set by the build after
 * `package`) on a tiny unseen-site pool, with fine-tuning shortened by the server properties it
 * passes: a row per step with the job's verdict and a test mAP, the same report in --markdown.
 */
class BenchAdaptationCommandIT {

    private static final String[] SITE_B = {"--site", "B", "--ct-fraction", "1"};
    // studies annotated | images | minutes | verdict | held-out | version | test mAP
    private static final Pattern STEP_ROW = Pattern.compile(
            "^\\| (\\d+) \\| (\\d+) \\| (\\d+\\.\\d) \\| (promoted|kept as candidate|failed) \\| [^|]* \\| (\\w+) \\| "
                    + "(\\d\\.\\d{4}) \\|$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void annotatesUpToEachStepFineTunesThroughTheServerAndEvaluatesTheCurrentVersion() throws Exception {
        Path jar = Path.of(System.getProperty("glean.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged server; run this test with `./mvnw verify`").isRegularFile();
        // two of these four studies fall in the held-out half, two not: whatever order the queue hands them
        // out in, the first three hold studies to train on and to validate on
        Path pool = PhantomStudies.synth(dir.resolve("pool"), "1633", 4, 2, SITE_B).folder();
        Path test = PhantomStudies.synth(dir.resolve("test"), "1632", 2, 2, SITE_B).folder();
        Path markdown = dir.resolve("adaptation.md");

        Output run = glean("bench-adaptation", "--pool", pool.toString(), "--test", test.toString(), "--steps", "3,4",
                "--server-jar", jar.toString(), "--server-java-opts", "-Xmx1g -XX:TieredStopAtLevel=1",
                "--threads", "1", "--markdown", markdown.toString(),
                "--server-property", "glean.inference.threads=1",
                "--server-property", "glean.training.held-out-share=0.5",
                "--server-property", "glean.training.batch-size=4",
                "--server-property", "glean.training.warmup-steps=2",
                "--server-property", "glean.training.min-steps=8",
                "--server-property", "glean.training.max-steps=8",
                "--server-property", "glean.training.gate.min-held-out-studies=1",
                "--server-property", "glean.training.gate.min-held-out-objects=1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher rows = STEP_ROW.matcher(run.out());
        List<Integer> studies = new ArrayList<>();
        while (rows.find()) {
            studies.add(Integer.parseInt(rows.group(1)));
            assertThat(rows.group(4)).as(run.out()).isIn("promoted", "kept as candidate");
            assertThat(Integer.parseInt(rows.group(2))).as("images annotated").isGreaterThanOrEqualTo(studies.get(
                    studies.size() - 1));
            assertThat(Double.parseDouble(rows.group(6))).isBetween(0.0, 1.0);
        }
        assertThat(studies).as(run.out()).containsExactly(3, 4);
        assertThat(run.out()).contains("| 0 | 0 | | | |")
                .containsPattern("After 3 studies: job 1, \\d+ training.*: (promoted|kept as a candidate)")
                .containsPattern("After 4 studies: job 2, \\d+ training.*: (promoted|kept as a candidate)");
        assertThat(Files.readString(markdown)).isEqualTo(run.out());
    }
}
