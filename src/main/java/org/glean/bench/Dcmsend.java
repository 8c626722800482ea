package org.glean.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DCMTK's dcmsend as a DICOM sender: the files of a folder over one association, each C-STORE
 * waiting for its response before the next (dcmsend has one operation outstanding), with
 * TCP_NODELAY=1 so that DCMTK turns off Nagle's algorithm; several folders go over as many
 * associations at once, one dcmsend each, as a PACS with parallel senders pushes.
 */
public final class Dcmsend {

    public static final String CALLING_AE_TITLE = "GLEANBENCH";
    private static final long TIMEOUT_MINUTES = 30;

    private Dcmsend() {
    }

    /**
     * Sends every file in each of {@code folders} to {@code calledAeTitle} at 127.0.0.1:{@code port},
     * one association per folder, all at once, and returns the wall-clock time from starting the
     * first dcmsend to the exit of the last.
     *
     * @param logs where each dcmsend's output goes: {@code logs-N.log}, N the folder's place
     * @throws IOException when a dcmsend failed or any instance was not stored; its output is in its log
     */
    public static Duration send(String calledAeTitle, int port, List<Path> folders, Path logs)
            throws IOException, InterruptedException {
        List<Process> processes = new ArrayList<>();
        List<Path> logFiles = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < folders.size(); i++) {
                Path log = logs.resolveSibling(logs.getFileName() + "-" + (i + 1) + ".log");
                ProcessBuilder builder = new ProcessBuilder(List.of("dcmsend", "-aet", CALLING_AE_TITLE, "-aec",
                        calledAeTitle, "--scan-directories", "127.0.0.1", Integer.toString(port),
                        folders.get(i).toAbsolutePath().toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                builder.environment().put("TCP_NODELAY", "1");
                processes.add(builder.start());
                logFiles.add(log);
            }
            for (Process process : processes) {
                if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    throw new IOException("dcmsend did not finish within " + TIMEOUT_MINUTES + " minutes");
                }
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        for (int i = 0; i < processes.size(); i++) {
            if (processes.get(i).exitValue() != 0) {
                throw new IOException("dcmsend to " + calledAeTitle + " exited with status "
                        + processes.get(i).exitValue() + ": " + String.join("\n", Files.readAllLines(logFiles.get(i))));
            }
        }
        return elapsed;
    }

    /** dcmsend's version line, e.g. "dcmsend v3.6.7 2022-04-22". */
    public static String version() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("dcmsend", "--version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output.lines().findFirst().orElse("dcmsend").replace("$dcmtk: ", "").replace(" $", "").strip();
    }
}
