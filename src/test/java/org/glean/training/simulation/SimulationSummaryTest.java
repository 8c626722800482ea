package org.glean.training.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.glean.training.simulation.ActiveLearningSimulation.CycleResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationSummaryTest {

    /** Two seeds, cycles at 40, 60, 80 images. */
    private static List<CycleResult> results() {
        List<CycleResult> rows = new ArrayList<>();
        double[][] random = {{0.10, 0.20, 0.30}, {0.10, 0.30, 0.50}}; // mean 0.10, 0.25, 0.40
        double[][] mdn = {{0.10, 0.40, 0.50}, {0.10, 0.50, 0.60}};    // mean 0.10, 0.45, 0.55
        double[][] entropy = {{0.10, 0.20, 0.30}, {0.10, 0.20, 0.30}}; // never reaches 0.40
        for (int seed = 0; seed < 2; seed++) {
            for (int cycle = 0; cycle < 3; cycle++) {
                rows.add(new CycleResult(SelectionStrategy.RANDOM, seed, cycle, 40 + 20 * cycle, random[seed][cycle], 0));
                rows.add(new CycleResult(SelectionStrategy.MDN_MAX, seed, cycle, 40 + 20 * cycle, mdn[seed][cycle],
                        cycle == 0 ? 0 : 2));
                rows.add(new CycleResult(SelectionStrategy.ENTROPY, seed, cycle, 40 + 20 * cycle, entropy[seed][cycle],
                        cycle == 0 ? 0 : 1));
            }
        }
        return rows;
    }

    @Test
    void curvesAreMeanSdMinMaxOverSeedsPerCycle() {
        SimulationSummary summary = SimulationSummary.of(results());
        SimulationSummary.Point last = summary.curve(SelectionStrategy.RANDOM).last();
        assertThat(last.annotatedImages()).isEqualTo(80);
        assertThat(last.mean()).isCloseTo(0.40, within(1e-12));
        assertThat(last.sd()).isCloseTo(0.10, within(1e-12));
        assertThat(last.min()).isEqualTo(0.30);
        assertThat(last.max()).isEqualTo(0.50);
        assertThat(last.seeds()).isEqualTo(2);
        assertThat(summary.randomFinalMap().getAsDouble()).isCloseTo(0.40, within(1e-12));
        assertThat(summary.curve(SelectionStrategy.MDN_MAX).scoringSecondsPerCycle()).isEqualTo(2);
    }

    @Test
    void scoringTimeIsTheMedianOverCyclesSoOneDisturbedCycleBarelyMovesIt() {
        List<CycleResult> rows = new ArrayList<>(results());
        rows.add(new CycleResult(SelectionStrategy.MDN_MAX, 2, 0, 40, 0.1, 0));
        rows.add(new CycleResult(SelectionStrategy.MDN_MAX, 2, 1, 60, 0.4, 3));
        rows.add(new CycleResult(SelectionStrategy.MDN_MAX, 2, 2, 80, 0.5, 40)); // slowed 20× by other work

        // cycles 1–2 of three seeds: 2, 2, 2, 2, 3, 40
        assertThat(SimulationSummary.of(rows).curve(SelectionStrategy.MDN_MAX).scoringSecondsPerCycle()).isEqualTo(2);
    }

    @Test
    void imagesToReachRandomsFinalMapInterpolateBetweenCycles() {
        SimulationSummary summary = SimulationSummary.of(results());
        // mdn: 0.10 at 40, 0.45 at 60 → 0.40 reached at 40 + 20 · 0.30/0.35
        assertThat(summary.curve(SelectionStrategy.MDN_MAX).imagesToReachRandomFinal().getAsDouble())
                .isCloseTo(40 + 20 * 0.30 / 0.35, within(1e-9));
        assertThat(summary.curve(SelectionStrategy.RANDOM).imagesToReachRandomFinal().getAsDouble()).isEqualTo(80);
        assertThat(summary.curve(SelectionStrategy.ENTROPY).imagesToReachRandomFinal()).isEmpty();
    }

    @Test
    void theSelectionTableAddsUpWhatEachStrategySelectedOverCyclesAndSeeds() {
        List<CycleResult> rows = List.of(
                new CycleResult(SelectionStrategy.RANDOM, 1, 0, 40, 0.1, 0),
                new CycleResult(SelectionStrategy.RANDOM, 1, 1, 60, 0.2, 0, new SelectionMix(20, 10, 2, 10.0)),
                new CycleResult(SelectionStrategy.RANDOM, 2, 1, 60, 0.2, 0, new SelectionMix(20, 6, 4, 20.0)),
                new CycleResult(SelectionStrategy.MDN_MAX, 1, 1, 60, 0.2, 1, new SelectionMix(20, 0, 15, Double.NaN)),
                new CycleResult(SelectionStrategy.ENTROPY, 1, 1, 60, 0.2, 1));

        // random: 16 of 40 without findings, 6 of 40 shifted, noise (10·20 + 20·20)/40; entropy's selections unknown
        assertThat(SimulationSummary.of(rows).selectionTable()).isEqualTo("""
                | strategy | images selected | without findings | shifted | mean noise |
                |---|---|---|---|---|
                | random | 40 | 40 % | 15 % | 15.0 |
                | mdn-max | 20 | 0 % | 75 % | – |
                """);
        assertThat(SimulationSummary.of(results()).selectionTable()).isEmpty();
    }

    @Test
    void theTableGivesEachStrategysFiguresAndTheSaving() {
        String table = SimulationSummary.of(results()).markdownTable();
        assertThat(table).contains("random's final mAP 0.400")
                .contains("| mean mAP@0.5 over cycles 1–2 |")
                // random: mean of 0.25 and 0.40; mdn: of 0.45 and 0.55
                .contains("| random | 80 | 0 % | 0.400 ± 0.100 (0.300–0.500) | 0.325 | 0.00 | none |")
                .contains("| entropy | not reached (> 80) | – | 0.300 ± 0.000 (0.300–0.300) | 0.250 | 1.00 | 0.5× mdn-max |")
                .contains("| mdn-max | 57 | 29 % | 0.550 ± 0.050 (0.500–0.600) | 0.500 | 2.00 | 1.0× mdn-max |");
    }

    @Test
    void savingsCountAgainstWhereRandomsOwnCurveFirstReachesItsFinalMap() {
        // random's mean curve 0.10, 0.45, 0.40: it first reaches its final 0.40 at 40 + 20 · 0.30/0.35 images
        List<CycleResult> rows = new ArrayList<>();
        double[] random = {0.10, 0.45, 0.40};
        double[] mdn = {0.10, 0.60, 0.60};
        for (int cycle = 0; cycle < 3; cycle++) {
            rows.add(new CycleResult(SelectionStrategy.RANDOM, 1, cycle, 40 + 20 * cycle, random[cycle], 0));
            rows.add(new CycleResult(SelectionStrategy.MDN_MAX, 1, cycle, 40 + 20 * cycle, mdn[cycle], 1));
        }
        SimulationSummary summary = SimulationSummary.of(rows);

        assertThat(summary.randomImagesToReach().getAsDouble()).isCloseTo(40 + 20 * 0.30 / 0.35, within(1e-9));
        // mdn reaches 0.40 at 40 + 20 · 0.30/0.50 = 52 images: 1 − 52/57.14 = 9 %, not 1 − 52/80 = 35 %
        assertThat(summary.markdownTable()).contains("| random | 57 | 0 % |").contains("| mdn-max | 52 | 9 % |");
    }

    @Test
    void theCurvesTableGivesEveryCyclesMeanAndSd() {
        String table = SimulationSummary.of(results()).curvesTable();
        assertThat(table).startsWith("| cycle | annotated images | random | entropy | mdn-max |")
                .contains("| 0 | 40 | 0.100 ± 0.000 | 0.100 ± 0.000 | 0.100 ± 0.000 |")
                .contains("| 2 | 80 | 0.400 ± 0.100 | 0.300 ± 0.000 | 0.550 ± 0.050 |");
    }

    @Test
    void thePlotIsAPngWithEachStrategysColour(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("curves.png");
        LearningCurvePlot.write(SimulationSummary.of(results()), "test", file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(LearningCurvePlot.WIDTH);
        assertThat(image.getHeight()).isEqualTo(LearningCurvePlot.HEIGHT);
        for (SelectionStrategy strategy : List.of(SelectionStrategy.RANDOM, SelectionStrategy.MDN_MAX, SelectionStrategy.ENTROPY)) {
            int rgb = LearningCurvePlot.COLOURS.get(strategy).getRGB();
            assertThat(count(image, rgb)).as(strategy.label()).isGreaterThan(50);
        }
        assertThat(count(image, LearningCurvePlot.COLOURS.get(SelectionStrategy.MC_DROPOUT).getRGB())).isZero();
        assertThat(dir.resolve("curves.png.partial")).doesNotExist();
    }

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (image.getRGB(x, y) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
