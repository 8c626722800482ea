package org.glean.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command-line tools that make and check the real files the tests read: DCMTK for DICOM,
 * OpenJPEG for JPEG 2000 codestreams (DCMTK has no JPEG 2000 encoder).
 */
final class ImagingTools {

    private ImagingTools() {
    }

    /** Runs a command in {@code directory}; fails the test with the tool's output if it fails. */
    static String run(Path directory, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                        + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Converts {@code source} with a DCMTK tool (e.g. {@code "dcmconv", "+ti"}) into {@code target}
     * beside it.
     */
    static Path convert(Path source, String target, String... toolAndOptions) {
        List<String> command = new ArrayList<>(List.of(toolAndOptions));
        command.add(source.getFileName().toString());
        command.add(target);
        run(source.getParent(), command.toArray(String[]::new));
        return source.resolveSibling(target);
    }
}
