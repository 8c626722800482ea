package org.glean.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A server the benchmark starts and must stop however the benchmark ends: its output goes to a
 * log file, and {@link #close} asks it to stop (SIGTERM), then kills it after a grace period.
 */
final class ChildProcess implements AutoCloseable {

    private static final long STOP_GRACE_SECONDS = 30;

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} with this process's environment, less the variables
     * {@code unset} matches, plus {@code environment}.
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> environment, Path log,
            Predicate<String> unset) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(unset);
        builder.environment().putAll(environment);
        return new ChildProcess(name, builder.start(), log);
    }

    /** A TCP port on 127.0.0.1 that nothing listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Fails with the end of the log when the process has exited. */
    void requireAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException(name + " exited with status " + process.exitValue() + "; the end of its log ("
                    + log + "):\n" + logTail());
        }
    }

    /**
     * CPU time the process and its descendants running now have used so far (user and system),
     * as the operating system counts it.
     */
    Duration cpuTime() {
        return cpuTime(process.toHandle());
    }

    /** CPU time {@code process} and its descendants running now have used so far. */
    static Duration cpuTime(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants())
                .map(each -> each.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** Asks the process to stop (SIGTERM) and returns at once. */
    void terminate() {
        process.destroy();
    }

    /** Kills the process at once (SIGKILL, as {@code kill -9} does); its children live on. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The processes it started that run now. */
    List<ProcessHandle> children() {
        return process.children().toList();
    }

    /** Waits for the process to exit; its exit status, or empty when it still runs after {@code timeout}. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    // A server's own children (Glean's embedded PostgreSQL) are stopped by the server; any left
    // after it exited are stopped here.
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
    }
}
