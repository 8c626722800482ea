package org.glean.training.simulation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.glean.detector.Detector;
import org.glean.detector.DetectorCheckpoint;
import org.glean.detector.ModelManifest;
import org.glean.training.simulation.ActiveLearningSimulation.CycleResult;

/**
 * What a simulation has finished, kept in its work folder so that a stopped run goes on from
 * its last finished cycle: the base model, each seed's initial model with its mAP, and per
 * strategy and seed the model, the labelled pool positions and every result after its last
 * cycle. Each step is written to a temporary folder and renamed into place whole, so a run
 * killed at any moment leaves only finished steps behind.
 *
 * <pre>
 * base-model/                      the model trained on --base
 * seed-S/initial-model/            + initial-map.txt
 * seed-S/STRATEGY/cycle-N/         model/, labelled.txt, results.csv (cycles 0…N)
 * </pre>
 */
final class SimulationProgress {

    private static final String INITIAL_MAP = "initial-map.txt";
    private static final String LABELLED = "labelled.txt";
    private static final String RESULTS = "results.csv";
    private static final String MODEL = "model";
    private static final Pattern CYCLE = Pattern.compile("cycle-(\\d+)");

    private final Path workDir;

    SimulationProgress(Path workDir) {
        this.workDir = workDir;
    }

    /** A strategy's state after its last finished cycle. */
    record Cycle(int cycle, Path model, List<Integer> labelled, List<CycleResult> results) {
    }

    Path baseModel() {
        return workDir.resolve("base-model");
    }

    /** The seed's initial model, once it and its mAP are saved. */
    Path initialModel(long seed) {
        return seedDir(seed).resolve("initial-model");
    }

    /** The mAP of the seed's initial model; empty until {@link #saveInitialModel} finished. */
    Optional<Double> initialMap(long seed) throws IOException {
        Path file = initialModel(seed).resolve(INITIAL_MAP);
        return Files.isRegularFile(file) ? Optional.of(Double.parseDouble(Files.readString(file).trim()))
                : Optional.empty();
    }

    void saveInitialModel(long seed, Detector detector, ModelManifest manifest, double map) throws IOException {
        Path model = initialModel(seed);
        deleteRecursively(model); // saved before its mAP was: an unfinished step, redone
        DetectorCheckpoint.save(model, detector, manifest);
        Path staging = Files.createTempFile(model, "." + INITIAL_MAP, ".partial");
        Files.writeString(staging, Double.toString(map), StandardCharsets.UTF_8);
        Files.move(staging, model.resolve(INITIAL_MAP), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The strategy's last finished cycle (1 or later); empty when none is. */
    Optional<Cycle> lastCycle(SelectionStrategy strategy, long seed) throws IOException {
        Path dir = strategyDir(strategy, seed);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Optional<Path> last;
        try (Stream<Path> cycles = Files.list(dir)) {
            last = cycles.filter(path -> CYCLE.matcher(path.getFileName().toString()).matches())
                    .max(Comparator.comparingInt(SimulationProgress::cycleNumber));
        }
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Path cycle = last.get();
        List<Integer> labelled = Files.readAllLines(cycle.resolve(LABELLED), StandardCharsets.UTF_8).stream()
                .map(Integer::valueOf).toList();
        return Optional.of(new Cycle(cycleNumber(cycle), cycle.resolve(MODEL), labelled,
                SimulationCsv.read(cycle.resolve(RESULTS))));
    }

    /**
     * Saves the strategy's state after {@code results}' last cycle, then drops the cycle before
     * it: the newest cycle holds every result so far.
     */
    void saveCycle(SelectionStrategy strategy, long seed, Detector detector, ModelManifest manifest,
            List<Integer> labelled, List<CycleResult> results) throws IOException {
        int cycle = results.get(results.size() - 1).cycle();
        Path dir = strategyDir(strategy, seed);
        Files.createDirectories(dir);
        Path staging = Files.createTempDirectory(dir, ".cycle-" + cycle + ".partial-");
        try {
            DetectorCheckpoint.save(staging.resolve(MODEL), detector, manifest);
            Files.write(staging.resolve(LABELLED), labelled.stream().map(String::valueOf).toList(),
                    StandardCharsets.UTF_8);
            try (SimulationCsv csv = SimulationCsv.create(staging.resolve(RESULTS))) {
                for (CycleResult result : results) {
                    csv.append(result);
                }
            }
            Files.move(staging, dir.resolve("cycle-" + cycle), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(staging);
            throw e;
        }
        deleteRecursively(dir.resolve("cycle-" + (cycle - 1)));
    }

    private Path seedDir(long seed) {
        return workDir.resolve("seed-" + seed);
    }

    private Path strategyDir(SelectionStrategy strategy, long seed) {
        return seedDir(seed).resolve(strategy.label());
    }

    private static int cycleNumber(Path cycleDir) {
        Matcher matcher = CYCLE.matcher(cycleDir.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(cycleDir + " is not a cycle folder");
        }
        return Integer.parseInt(matcher.group(1));
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
