package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.glean.cli.GleanRun.Output;
import org.glean.training.simulation.ActiveLearningSimulation.CycleResult;
import org.glean.training.simulation.SelectionStrategy;
import org.glean.training.simulation.SimulationCsv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glean simulate} as a user runs it: one cycle of every strategy on a tiny pool made by {@code glean synth}. */
class SimulateCommandTest {

    private static final String[] TINY = {"--input-size", "64", "--backbone-channels", "16,16,16", "--extra-channels", "16",
        "-K", "2", "--threads", "1", "--budget", "2", "--cycles", "1", "--initial-epochs", "1",
        "--epochs", "1", "--batch-size", "4", "--mc-passes", "3", "--seeds", "7"};

    @TempDir
    static Path dir;
    static Path easy;
    static Path hard;
    static Path test;

    @BeforeAll
    static void synthesise() {
        easy = synth("easy", "21", "4", "--normal-fraction", "0.5");
        hard = synth("hard", "22", "3", "--normal-fraction", "0", "--noise", "40:80", "--shift-probability", "1");
        test = synth("test", "23", "3", "--normal-fraction", "0");
    }

    private static Path synth(String name, String seed, String studies, String... options) {
        Path folder = dir.resolve(name);
        String[] args = concat(new String[] {"synth", "--out", folder.toString(), "--seed", seed, "--studies", studies,
            "--ct-fraction", "0", "--size", "64"}, options);
        Output out = glean(args);
        assertThat(out.exitCode()).as(out.err()).isZero();
        return folder;
    }

    @Test
    void oneCycleOfEveryStrategyWritesTheCsvTheTableAndThePlot() throws Exception {
        Path out = dir.resolve("run");
        Output run = glean(concat(new String[] {"simulate", "--pool", easy + "," + hard, "--test", test.toString(),
            "--base", test.toString(), "--base-epochs", "1", "--out", out.toString(), "--initial", "3"}, TINY));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("pool: 7 images", "base model on 3 images", "seed 7: initial model on 3 images");

        List<CycleResult> rows = SimulationCsv.read(out.resolve("results.csv"));
        Map<SelectionStrategy, List<CycleResult>> byStrategy = rows.stream()
                .collect(Collectors.groupingBy(CycleResult::strategy));
        assertThat(byStrategy).containsOnlyKeys(SelectionStrategy.values());
        double initialMap = rows.get(0).meanAveragePrecision();
        byStrategy.forEach((strategy, cycles) -> {
            assertThat(cycles).extracting(CycleResult::annotatedImages).as(strategy.label()).containsExactly(3, 5);
            assertThat(cycles.get(0).meanAveragePrecision()).as("same initial model").isEqualTo(initialMap);
            assertThat(cycles.get(1).scoringSeconds() > 0).as(strategy.label()).isEqualTo(strategy != SelectionStrategy.RANDOM);
        });
        assertThat(Files.readString(out.resolve("summary.md"))).contains("| mdn-max |", "| mc-dropout |", "× mdn-max",
                "What each strategy selected", "| images selected | without findings | shifted | mean noise |");
        assertThat(run.out()).contains("| random |", "10 results");
        assertThat(ImageIO.read(out.resolve("learning-curves.png").toFile()).getWidth()).isEqualTo(900);

        // resumed with the same options, the finished run is heard again and written anew, nothing retrained
        Output resumed = glean(concat(new String[] {"simulate", "--pool", easy + "," + hard, "--test", test.toString(),
            "--base", test.toString(), "--base-epochs", "1", "--out", out.toString(), "--initial", "3", "--resume"}, TINY));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("(saved earlier)").doesNotContain("cycle 1:");
        assertThat(SimulationCsv.read(out.resolve("results.csv"))).isEqualTo(rows);

        Path again = dir.resolve("summarised");
        Output summarised = glean("simulate", "--results", out.resolve("results.csv").toString(), "--out", again.toString());
        assertThat(summarised.exitCode()).as(summarised.err()).isZero();
        // from the CSV's rounded figures: the same table up to the last digits
        assertThat(Files.readString(again.resolve("summary.md"))).contains("| random |", "| entropy |", "| mdn-max |",
                "| mdn-mean |", "| mc-dropout |");
        assertThat(again.resolve("learning-curves.png")).isRegularFile();
    }

    @Test
    void badArgumentsAreRefusedWithTheReasonAndNothingWritten() {
        Path out = dir.resolve("refused");
        Output unknown = glean(concat(new String[] {"simulate", "--pool", easy.toString(), "--test", test.toString(),
            "--out", out.toString(), "--strategies", "random,mdn"}, TINY));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown strategy 'mdn'");
        Output tooLarge = glean(concat(new String[] {"simulate", "--pool", easy.toString(), "--test", test.toString(),
            "--out", out.toString(), "--initial", "4"}, TINY));
        assertThat(tooLarge.exitCode()).isEqualTo(2);
        assertThat(tooLarge.err()).contains("the pool has 4 images", "would leave nothing to select");
        Output missing = glean(concat(new String[] {"simulate", "--pool", dir.resolve("absent").toString(), "--test",
            test.toString(), "--out", out.toString()}, TINY));
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("absent");
        Output notResults = glean("simulate", "--results", easy.resolve("coco.json").toString(), "--out", out.toString());
        assertThat(notResults.exitCode()).isEqualTo(2);
        assertThat(notResults.err()).contains("simulate: cannot read --results: ", "is not a simulation CSV")
                .doesNotContain("\tat ");
        Output noPool = glean("simulate", "--test", test.toString(), "--out", out.toString());
        assertThat(noPool.exitCode()).isEqualTo(2);
        assertThat(noPool.err()).contains("--pool and --test are required (or --results)");
        Output noModel = glean(concat(new String[] {"simulate", "--pool", easy.toString(), "--test", test.toString(),
            "--out", out.toString(), "--base-model", dir.resolve("absent").toString()}, TINY));
        assertThat(noModel.exitCode()).isEqualTo(2);
        assertThat(noModel.err()).contains("--base-model: ", "is not a Glean model directory");
        Output replayAlone = glean(concat(new String[] {"simulate", "--pool", easy.toString(), "--test", test.toString(),
            "--out", out.toString(), "--replay", easy.toString()}, TINY));
        assertThat(replayAlone.exitCode()).isEqualTo(2);
        assertThat(replayAlone.err()).contains("--replay needs --min-steps");
        assertThat(out).doesNotExist();
        Output exists = glean(concat(new String[] {"simulate", "--pool", easy.toString(), "--test", test.toString(),
            "--out", dir.toString()}, TINY));
        assertThat(exists.exitCode()).isEqualTo(2);
        assertThat(exists.err()).contains("exists; choose a new folder, or --resume");
        Output noRun = glean(concat(new String[] {"simulate", "--pool", easy.toString(), "--test", test.toString(),
            "--out", dir.toString(), "--resume"}, TINY));
        assertThat(noRun.exitCode()).isEqualTo(2);
        assertThat(noRun.err()).contains("holds no simulation run");
    }

    @Test
    void aRunIsResumedOnlyWithTheOptionsItWasStartedWith() throws Exception {
        Path out = dir.resolve("started");
        Files.createDirectories(out);
        Files.writeString(out.resolve("settings.txt"), "--pool=[" + easy + "]\n");
        Output other = glean(concat(new String[] {"simulate", "--pool", easy.toString(), "--test", test.toString(),
            "--out", out.toString(), "--resume"}, TINY));
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).contains("give the options the run in", "these differ: --test=[" + test + "]");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
