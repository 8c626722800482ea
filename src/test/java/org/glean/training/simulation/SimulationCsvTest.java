package org.glean.training.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.glean.training.simulation.ActiveLearningSimulation.CycleResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationCsvTest {

    @TempDir
    Path dir;

    @Test
    void rowsAreWrittenAsMeasuredAndReadBack() throws IOException {
        Path file = dir.resolve("results.csv");
        List<CycleResult> rows = List.of(new CycleResult(SelectionStrategy.MDN_MAX, 3, 0, 40, 0.12345678, 0),
                new CycleResult(SelectionStrategy.MC_DROPOUT, 3, 1, 60, 0.5, 12.3456, new SelectionMix(20, 4, 7, 18.456)),
                new CycleResult(SelectionStrategy.RANDOM, 3, 1, 60, 0.4, 0, new SelectionMix(20, 9, 2, Double.NaN)));
        try (SimulationCsv csv = SimulationCsv.create(file)) {
            csv.append(rows.get(0));
            // flushed whole before the run goes on
            assertThat(Files.readAllLines(file)).containsExactly(SimulationCsv.HEADER, "mdn-max,3,0,40,0.1235,0.000,,,,");
            csv.append(rows.get(1));
            csv.append(rows.get(2));
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "strategy,seed,cycle,annotated_images,map50,scoring_seconds,selected,selected_without_findings,"
                        + "selected_shifted,selected_mean_noise",
                "mdn-max,3,0,40,0.1235,0.000,,,,",
                "mc-dropout,3,1,60,0.5000,12.346,20,4,7,18.46",
                "random,3,1,60,0.4000,0.000,20,9,2,");
        assertThat(SimulationCsv.read(file)).containsExactly(
                new CycleResult(SelectionStrategy.MDN_MAX, 3, 0, 40, 0.1235, 0),
                new CycleResult(SelectionStrategy.MC_DROPOUT, 3, 1, 60, 0.5, 12.346, new SelectionMix(20, 4, 7, 18.46)),
                new CycleResult(SelectionStrategy.RANDOM, 3, 1, 60, 0.4, 0, new SelectionMix(20, 9, 2, Double.NaN)));
    }

    @Test
    void aFileWithoutTheSelectionColumnsIsReadWithTheSelectionsUnknown() throws IOException {
        Path earlier = Files.writeString(dir.resolve("earlier.csv"),
                "strategy,seed,cycle,annotated_images,map50,scoring_seconds\nentropy,2,1,60,0.3000,1.500\n");
        assertThat(SimulationCsv.read(earlier)).containsExactly(
                new CycleResult(SelectionStrategy.ENTROPY, 2, 1, 60, 0.3, 1.5, SelectionMix.NONE));
    }

    @Test
    void anExistingFileIsNotOverwritten() throws IOException {
        Path file = Files.writeString(dir.resolve("results.csv"), "earlier run");
        assertThatThrownBy(() -> SimulationCsv.create(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("earlier run");
    }

    @Test
    void readingNamesTheBadLine() throws IOException {
        Path other = Files.writeString(dir.resolve("other.csv"), "a,b\n");
        assertThatThrownBy(() -> SimulationCsv.read(other)).hasMessageContaining("not a simulation CSV");
        Path bad = Files.writeString(dir.resolve("bad.csv"), SimulationCsv.HEADER + "\nrandom,1,0,40,0.1,0,,,,\nmdn,1,1,60,0.2,1,,,,\n");
        assertThatThrownBy(() -> SimulationCsv.read(bad)).hasMessageContaining("line 3").hasMessageContaining("unknown strategy 'mdn'");
    }
}
