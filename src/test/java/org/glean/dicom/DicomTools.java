package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** DCMTK and dicom3tools as tests run them: the real tools, as a reader of our files. */
public final class DicomTools {

    private DicomTools() {
    }

    /** dciodvfy's (dicom3tools) errors and warnings for {@code file} against its SOP class's IOD. */
    public static List<String> verify(Path file) throws IOException, InterruptedException {
        String report = run("dciodvfy", file.toString());
        return report.lines().filter(line -> line.startsWith("Error") || line.startsWith("Warning")).toList();
    }

    /** dciodvfy's errors only. */
    public static List<String> errors(Path file) throws IOException, InterruptedException {
        return verify(file).stream().filter(line -> line.startsWith("Error")).toList();
    }

    /** Runs a command and returns its output, standard error included. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command[0] + " is not installed: `make deps` installs dcmtk and dicom3tools", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
