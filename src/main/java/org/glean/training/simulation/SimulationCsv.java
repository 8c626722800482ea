package org.glean.training.simulation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulation's results as CSV, one row per strategy, seed and cycle:
 * {@code strategy,seed,cycle,annotated_images,map50,scoring_seconds}. Rows are appended as they
 * are measured, each flushed whole, so that a long run can be watched and a stopped one keeps
 * what it measured.
 */
public final class SimulationCsv implements AutoCloseable {

    public static final String HEADER = "strategy,seed,cycle,annotated_images,map50,scoring_seconds";

    private final BufferedWriter out;

    private SimulationCsv(BufferedWriter out) {
        this.out = out;
    }

    /** Creates {@code file} (it must not exist) with the header. */
    public static SimulationCsv create(Path file) throws IOException {
        SimulationCsv csv = new SimulationCsv(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        csv.line(HEADER);
        return csv;
    }

    public void append(ActiveLearningSimulation.CycleResult r) throws IOException {
        line(String.format(Locale.ROOT, "%s,%d,%d,%d,%.4f,%.3f", r.strategy().label(), r.seed(), r.cycle(),
                r.annotatedImages(), r.meanAveragePrecision(), r.scoringSeconds()));
    }

    private void line(String text) throws IOException {
        out.write(text);
        out.newLine();
        out.flush();
    }

    /** Reads a file this class wrote (for summarising a finished run again). */
    public static List<ActiveLearningSimulation.CycleResult> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a simulation CSV: its first line is not '" + HEADER + "'");
        }
        List<ActiveLearningSimulation.CycleResult> results = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 6) {
                    throw new IllegalArgumentException("expected 6 fields, got " + f.length);
                }
                results.add(new ActiveLearningSimulation.CycleResult(SelectionStrategy.of(f[0]), Long.parseLong(f[1]),
                        Integer.parseInt(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return results;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
