package org.glean.training.simulation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.glean.uncertainty.RankStatistics;

/**
 * What the simulation's results say, per strategy: the learning curve (mAP@0.5 over seeds per
 * cycle: mean, population SD, min, max), the annotated images at which the mean curve first
 * reaches random selection's final mean mAP, the final mAP and the median scoring wall time per cycle.
 *
 * @param randomFinalMap      random selection's final mean mAP, the level every strategy is timed to
 * @param randomImagesToReach where random's own mean curve first reaches that level — the images a
 *                            strategy's saving is counted against. A noisy random curve can cross its
 *                            final level before its last cycle; counting against the last cycle instead
 *                            would credit every strategy, random included, with that noise.
 */
public record SimulationSummary(List<Curve> curves, OptionalDouble randomFinalMap, OptionalDouble randomImagesToReach) {

    /** One cycle over the seeds. */
    public record Point(int cycle, double annotatedImages, double mean, double sd, double min, double max, int seeds) {
    }

    /**
     * @param imagesToReachRandomFinal annotated images at which the mean curve first reaches random's
     *                                 final mean mAP, linearly interpolated between cycles; empty when it never does
     * @param scoringSecondsPerCycle   median wall time of one cycle's scoring of the unlabelled pool, over cycles
     *                                 and seeds: a cycle that other work on the machine slowed moves it little
     * @param selected                 what its selections held, over cycles and seeds
     */
    public record Curve(SelectionStrategy strategy, List<Point> points, OptionalDouble imagesToReachRandomFinal,
                        double scoringSecondsPerCycle, SelectionMix selected) {

        public Point last() {
            return points.get(points.size() - 1);
        }

        /**
         * The mean curve's average over the cycles after the initial model: the area under the
         * learning curve per cycle, which one noisy cycle moves less than a single crossing point.
         */
        public double meanMapAfterInitial() {
            return points.stream().filter(p -> p.cycle() > 0).mapToDouble(Point::mean).average().orElse(Double.NaN);
        }
    }

    public static SimulationSummary of(List<ActiveLearningSimulation.CycleResult> results) {
        Map<SelectionStrategy, List<ActiveLearningSimulation.CycleResult>> byStrategy = results.stream()
                .collect(Collectors.groupingBy(ActiveLearningSimulation.CycleResult::strategy, LinkedHashMap::new,
                        Collectors.toList()));
        Map<SelectionStrategy, List<Point>> points = new LinkedHashMap<>();
        byStrategy.forEach((strategy, rows) -> points.put(strategy, points(rows)));
        List<Point> random = points.get(SelectionStrategy.RANDOM);
        OptionalDouble target = random == null ? OptionalDouble.empty()
                : OptionalDouble.of(random.get(random.size() - 1).mean());
        List<Curve> curves = new ArrayList<>();
        byStrategy.forEach((strategy, rows) -> curves.add(new Curve(strategy, points.get(strategy),
                target.isPresent() ? imagesToReach(points.get(strategy), target.getAsDouble()) : OptionalDouble.empty(),
                medianScoringSeconds(rows), rows.stream().map(ActiveLearningSimulation.CycleResult::selected)
                        .reduce(SelectionMix.NONE, SelectionMix::plus))));
        OptionalDouble randomImages = curves.stream().filter(c -> c.strategy() == SelectionStrategy.RANDOM)
                .findFirst().map(Curve::imagesToReachRandomFinal).orElse(OptionalDouble.empty());
        return new SimulationSummary(List.copyOf(curves), target, randomImages);
    }

    private static double medianScoringSeconds(List<ActiveLearningSimulation.CycleResult> rows) {
        double[] seconds = rows.stream().filter(r -> r.cycle() > 0)
                .mapToDouble(ActiveLearningSimulation.CycleResult::scoringSeconds).toArray();
        return seconds.length == 0 ? 0 : RankStatistics.median(seconds);
    }

    private static List<Point> points(List<ActiveLearningSimulation.CycleResult> rows) {
        Map<Integer, List<ActiveLearningSimulation.CycleResult>> byCycle = new TreeMap<>(rows.stream()
                .collect(Collectors.groupingBy(ActiveLearningSimulation.CycleResult::cycle)));
        List<Point> points = new ArrayList<>();
        byCycle.forEach((cycle, seeds) -> {
            double[] maps = seeds.stream().mapToDouble(ActiveLearningSimulation.CycleResult::meanAveragePrecision).toArray();
            double mean = Arrays.stream(maps).average().orElseThrow();
            double variance = Arrays.stream(maps).map(m -> (m - mean) * (m - mean)).average().orElseThrow();
            points.add(new Point(cycle, seeds.stream().mapToInt(ActiveLearningSimulation.CycleResult::annotatedImages)
                    .average().orElseThrow(), mean, Math.sqrt(variance),
                    Arrays.stream(maps).min().orElseThrow(), Arrays.stream(maps).max().orElseThrow(),
                    maps.length));
        });
        return List.copyOf(points);
    }

    /** Where the mean curve first reaches {@code target}, interpolating linearly between cycles. */
    static OptionalDouble imagesToReach(List<Point> curve, double target) {
        for (int i = 0; i < curve.size(); i++) {
            Point p = curve.get(i);
            if (p.mean() >= target) {
                if (i == 0) {
                    return OptionalDouble.of(p.annotatedImages());
                }
                Point before = curve.get(i - 1);
                double share = (target - before.mean()) / (p.mean() - before.mean());
                return OptionalDouble.of(before.annotatedImages() + share * (p.annotatedImages() - before.annotatedImages()));
            }
        }
        return OptionalDouble.empty();
    }

    public Curve curve(SelectionStrategy strategy) {
        return curves.stream().filter(c -> c.strategy() == strategy).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no results for " + strategy));
    }

    /** The table of docs/active-learning.md, in markdown. */
    public String markdownTable() {
        StringBuilder table = new StringBuilder();
        String reach = randomFinalMap.isPresent()
                ? String.format(Locale.ROOT, "annotated images to reach random's final mAP %.3f", randomFinalMap.getAsDouble())
                : "annotated images to reach random's final mAP (random not run)";
        table.append("| strategy | ").append(reach)
                .append(" | fewer than random | final mAP@0.5 mean ± SD (min–max) | mean mAP@0.5 over cycles 1–")
                .append(curves.isEmpty() ? 0 : curves.get(0).last().cycle())
                .append(" | scoring s/cycle (median) | scoring cost |\n");
        table.append("|---|---|---|---|---|---|---|\n");
        double mdnSeconds = curves.stream().filter(c -> c.strategy() == SelectionStrategy.MDN_MAX).findFirst()
                .map(Curve::scoringSecondsPerCycle).orElse(Double.NaN);
        for (Curve c : curves.stream().sorted(Comparator.comparing(Curve::strategy)).toList()) {
            Point last = c.last();
            String images = c.imagesToReachRandomFinal().isPresent()
                    ? String.format(Locale.ROOT, "%.0f", c.imagesToReachRandomFinal().getAsDouble())
                    : String.format(Locale.ROOT, "not reached (> %.0f)", last.annotatedImages());
            String saving = c.imagesToReachRandomFinal().isPresent() && randomImagesToReach.isPresent()
                    ? String.format(Locale.ROOT, "%.0f %%", 100 * (1 - c.imagesToReachRandomFinal().getAsDouble()
                            / randomImagesToReach.getAsDouble()))
                    : "–";
            String cost = c.strategy() == SelectionStrategy.RANDOM ? "none"
                    : Double.isNaN(mdnSeconds) || mdnSeconds == 0 ? "–"
                    : String.format(Locale.ROOT, "%.1f× mdn-max", c.scoringSecondsPerCycle() / mdnSeconds);
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f ± %.3f (%.3f–%.3f) | %.3f | %.2f | %s |%n",
                    c.strategy(), images, saving, last.mean(), last.sd(), last.min(), last.max(),
                    c.meanMapAfterInitial(), c.scoringSecondsPerCycle(), cost));
        }
        return table.toString();
    }

    /**
     * What each strategy selected over all cycles and seeds, in markdown: the shares of images
     * without findings and of shifted images, and their mean noise; empty for results recorded
     * without their selections.
     */
    public String selectionTable() {
        List<Curve> known = curves.stream().filter(c -> c.selected().images() > 0)
                .sorted(Comparator.comparing(Curve::strategy)).toList();
        if (known.isEmpty()) {
            return "";
        }
        StringBuilder table = new StringBuilder(
                "| strategy | images selected | without findings | shifted | mean noise |\n|---|---|---|---|---|\n");
        for (Curve c : known) {
            SelectionMix mix = c.selected();
            table.append(String.format(Locale.ROOT, "| %s | %d | %.0f %% | %.0f %% | %s |%n", c.strategy(), mix.images(),
                    100.0 * mix.withoutFindings() / mix.images(), 100.0 * mix.shifted() / mix.images(),
                    Double.isNaN(mix.meanNoise()) ? "–" : String.format(Locale.ROOT, "%.1f", mix.meanNoise())));
        }
        return table.toString();
    }

    /** Mean mAP@0.5 (and SD) over seeds per cycle and strategy, in markdown: the numbers behind the plot. */
    public String curvesTable() {
        List<Curve> sorted = curves.stream().sorted(Comparator.comparing(Curve::strategy)).toList();
        StringBuilder table = new StringBuilder("| cycle | annotated images |");
        sorted.forEach(c -> table.append(' ').append(c.strategy()).append(" |"));
        table.append('\n').append("|---|---|").append("---|".repeat(sorted.size())).append('\n');
        int cycles = sorted.stream().mapToInt(c -> c.points().size()).max().orElse(0);
        for (int i = 0; i < cycles; i++) {
            int cycle = i;
            SimulationSummary.Point reference = sorted.stream().filter(c -> c.points().size() > cycle).findFirst()
                    .orElseThrow().points().get(cycle);
            table.append(String.format(Locale.ROOT, "| %d | %.0f |", reference.cycle(), reference.annotatedImages()));
            for (Curve c : sorted) {
                table.append(c.points().size() > cycle
                        ? String.format(Locale.ROOT, " %.3f ± %.3f |", c.points().get(cycle).mean(), c.points().get(cycle).sd())
                        : " – |");
            }
            table.append('\n');
        }
        return table.toString();
    }
}
