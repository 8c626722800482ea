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
 * The simulation's results as CSV, one row per strategy, seed and cycle: {@link #HEADER}, the
 * last four columns what the cycle's selection held (empty for cycle 0). Rows are appended as
 * they are measured, each flushed whole, so that a long run can be watched and a stopped one
 * keeps what it measured. Files without the selection columns, as earlier versions wrote them,
 * are read too.
 */
public final class SimulationCsv implements AutoCloseable {

    private static final String FIRST_COLUMNS = "strategy,seed,cycle,annotated_images,map50,scoring_seconds";
    public static final String HEADER = FIRST_COLUMNS
            + ",selected,selected_without_findings,selected_shifted,selected_mean_noise";

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
        SelectionMix selected = r.selected();
        line(String.format(Locale.ROOT, "%s,%d,%d,%d,%.4f,%.3f,", r.strategy().label(), r.seed(), r.cycle(),
                r.annotatedImages(), r.meanAveragePrecision(), r.scoringSeconds())
                + (selected.images() == 0 ? ",,," : String.format(Locale.ROOT, "%d,%d,%d,%s", selected.images(),
                        selected.withoutFindings(), selected.shifted(), Double.isNaN(selected.meanNoise()) ? ""
                                : String.format(Locale.ROOT, "%.2f", selected.meanNoise()))));
    }

    private void line(String text) throws IOException {
        out.write(text);
        out.newLine();
        out.flush();
    }

    /** Reads a file this class wrote (for summarising a finished run again). */
    public static List<ActiveLearningSimulation.CycleResult> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER) && !lines.get(0).equals(FIRST_COLUMNS)) {
            throw new IOException(file + " is not a simulation CSV: its first line is not '" + HEADER + "'");
        }
        int fields = lines.get(0).split(",").length;
        List<ActiveLearningSimulation.CycleResult> results = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != fields) {
                    throw new IllegalArgumentException("expected " + fields + " fields, got " + f.length);
                }
                SelectionMix selected = fields == 6 || f[6].isEmpty() ? SelectionMix.NONE
                        : new SelectionMix(Integer.parseInt(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]),
                                f[9].isEmpty() ? Double.NaN : Double.parseDouble(f[9]));
                results.add(new ActiveLearningSimulation.CycleResult(SelectionStrategy.of(f[0]), Long.parseLong(f[1]),
                        Integer.parseInt(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        selected));
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
