package org.glean.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glean.cli.GleanCommand;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;

/**
 * A real model for the inference tests, trained by {@code glean train} on {@code glean synth}
 * phantoms once per test JVM: tiny (64² input, 16 channels, K = 2, a few steps), so that it finds
 * objects only at a low threshold, but every number it gives is the network's own.
 */
public final class TinyModel {

    /** Objects need only this class score: the tiny network is barely trained. */
    public static final String OBJECT_THRESHOLD = "0.05";
    public static final String CANDIDATE_THRESHOLD = "0.02";

    private static Path root;

    private TinyModel() {
    }

    /** The folder holding the model directory (glean.models.dir). */
    public static synchronized Path modelsDir() {
        return root().resolve("models");
    }

    /** The phantom studies it was trained on, as DICOM files under one folder. */
    public static synchronized Path data() {
        return root().resolve("data");
    }

    /** The model directory. */
    public static Path modelDirectory() {
        return modelsDir().resolve("tiny");
    }

    /** The files of each phantom study, by StudyInstanceUID, in path order. */
    public static Map<String, List<Path>> studies() {
        DicomReader reader = new PixelMedDicomReader();
        Map<String, List<Path>> studies = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(data())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList()) {
                studies.computeIfAbsent(reader.readHeader(file).studyInstanceUid(), uid -> new ArrayList<>()).add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return studies;
    }

    private static Path root() {
        if (root != null) {
            return root;
        }
        try {
            Path dir = Files.createTempDirectory("glean-tiny-model-");
            Path data = dir.resolve("data");
            run("synth", "--out", data.toString(), "--seed", "11", "--studies", "3", "--slices", "3", "--size", "64",
                    "--ct-fraction", "1", "--normal-fraction", "0", "--objects", "2:3");
            run("train", "--data", data.toString(), "--out", dir.resolve("run").toString(), "--epochs", "20",
                    "--batch-size", "3", "--lr", "0.005", "--warmup-steps", "2", "--input-size", "64", "--backbone-channels",
                    "16,16,16,16", "--extra-channels", "16", "-K", "2", "--threads", "1");
            Files.createDirectories(dir.resolve("models"));
            Files.move(dir.resolve("run/model"), dir.resolve("models/tiny"));
            root = dir;
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(String... args) {
        int exitCode = GleanCommand.execute(args);
        if (exitCode != 0) {
            throw new IllegalStateException("glean " + String.join(" ", args) + " exited with " + exitCode);
        }
    }
}
