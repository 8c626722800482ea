package org.glean.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DCMTK's storescu as a DICOM sender: every file of a folder over one association, each C-STORE
 * waiting for its response before the next (storescu has one operation outstanding), with
 * TCP_NODELAY=1 so that DCMTK turns off Nagle's algorithm. It halts at the first refused
 * instance and then exits with a non-zero status.
 */
public final class Storescu {

    public static final String CALLING_AE_TITLE = "GLEANBENCH";
    private static final long TIMEOUT_MINUTES = 30;

    private Storescu() {
    }

    /**
     * Sends every file in {@code directory} to {@code calledAeTitle} at 127.0.0.1:{@code port}
     * and returns the wall-clock time from starting storescu to its exit.
     *
     * @throws IOException when storescu failed or reported a refused instance; its output is in {@code log}
     */
    public static Duration send(String calledAeTitle, int port, Path directory, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("storescu", "-aet", CALLING_AE_TITLE, "-aec", calledAeTitle,
                "+sd", "127.0.0.1", Integer.toString(port), directory.toAbsolutePath().toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("TCP_NODELAY", "1");
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("storescu did not finish within " + TIMEOUT_MINUTES + " minutes");
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (process.exitValue() != 0) {
            throw new IOException("storescu to " + calledAeTitle + " exited with status " + process.exitValue() + ": "
                    + String.join("\n", Files.readAllLines(log)));
        }
        return elapsed;
    }

    /** storescu's version line, e.g. "storescu v3.6.7 2022-04-22". */
    public static String version() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("storescu", "--version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output.lines().findFirst().orElse("storescu").replace("$dcmtk: ", "").replace(" $", "").strip();
    }
}
