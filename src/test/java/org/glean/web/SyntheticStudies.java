package org.glean.web;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glean.api.IngestCalls;
import org.glean.cli.GleanCommand;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.proto.v1.StudyAnalysis;

/**
 * Chest CT phantoms with known findings from {@code glean synth}, sent through IngestStudy as a
 * pipeline sends them, so that the server scores them and queues their tasks.
 */
public final class SyntheticStudies {

    private SyntheticStudies() {
    }

    /**
     * Writes {@code studies} CT studies of {@code slices} slices of {@code size}² pixels into a new
     * folder under {@code parent} and ingests each; returns their analyses in the order sent.
     */
    public static List<StudyAnalysis> send(ManagedChannel channel, Path parent, long seed, int studies, int slices,
            int size) {
        Path dir = parent.resolve("synth-" + seed);
        int exit = GleanCommand.execute("synth", "--out", dir.toString(), "--seed", Long.toString(seed), "--studies",
                Integer.toString(studies), "--slices", Integer.toString(slices), "--size", Integer.toString(size),
                "--ct-fraction", "1", "--normal-fraction", "0", "--objects", "2:3");
        if (exit != 0) {
            throw new IllegalStateException("glean synth exited with " + exit);
        }
        List<StudyAnalysis> analyses = new ArrayList<>();
        for (List<Path> files : byStudy(dir).values()) {
            analyses.add(IngestCalls.ingest(channel, files.toArray(Path[]::new)));
        }
        return analyses;
    }

    private static Map<String, List<Path>> byStudy(Path dir) {
        PixelMedDicomReader reader = new PixelMedDicomReader();
        Map<String, List<Path>> studies = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList()) {
                studies.computeIfAbsent(reader.readHeader(file).studyInstanceUid(), uid -> new ArrayList<>()).add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("a synthetic file does not read back: " + e.getMessage(), e);
        }
        return studies;
    }
}
