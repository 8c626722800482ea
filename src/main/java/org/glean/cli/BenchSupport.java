package org.glean.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.glean.bench.ServerLaunch;
import picocli.CommandLine.Option;

/**
 * What the benchmark commands that start a Glean server share: the options naming the server's jar,
 * JVM options and transport and keeping the work folder, the run in a fresh temporary folder, the
 * machine's CPU.
 */
final class BenchSupport {

    /** A benchmark run against a server started so, in an empty work folder. */
    interface ServerRun {
        void run(ServerLaunch server, Path workDir) throws IOException, InterruptedException;
    }

    private static final String RUNNER_JAR = "quarkus-run.jar";

    @Option(names = "--server-jar", description = "the packaged Glean jar (default: the jar running this command, "
            + "else target/quarkus-app/quarkus-run.jar)")
    Path serverJar;

    @Option(names = "--server-java-opts", defaultValue = "-Xmx2g",
            description = "JVM options of the Glean server, space-separated (default: ${DEFAULT-VALUE}, as bin/glean)")
    String serverJavaOptions;

    @Option(names = "--transport", defaultValue = "TLS",
            description = "TLS (the server's local CA, as make run serves) or PLAINTEXT (loopback only), to measure "
                    + "what TLS costs; every call carries a bearer token either way (default: ${DEFAULT-VALUE})")
    ServerLaunch.Transport transport;

    @Option(names = "--keep", description = "keep the temporary folder (logs, server data) and print where it is")
    boolean keep;

    /**
     * Runs {@code run} in a new temporary folder, deleted afterwards unless --keep. Returns the exit
     * status: 0 when it ran, 1 when it failed (the reason printed), 2 when there is no server jar.
     */
    int run(String command, PrintWriter err, ServerRun run) throws IOException, InterruptedException {
        Path jar = serverJar(serverJar);
        if (!Files.isRegularFile(jar)) {
            err.println(command + ": no Glean jar at " + jar + "; build it with 'make package' or name it with --server-jar");
            return 2;
        }
        Path workDir = Files.createTempDirectory(command.replace(' ', '-') + "-");
        try {
            run.run(new ServerLaunch(jar, Arrays.asList(serverJavaOptions.trim().split("\\s+")), transport), workDir);
            return 0;
        } catch (IOException e) {
            err.println(command + ": " + e.getMessage());
            return 1;
        } finally {
            if (keep) {
                err.println("Kept " + workDir);
            } else {
                deleteTree(workDir);
            }
        }
    }

    /**
     * The Glean jar to run as the server: {@code named} when given, else the jar running this
     * command ({@code bin/glean} runs {@code java -jar quarkus-run.jar}), else the build's.
     */
    private static Path serverJar(Path named) {
        if (named != null) {
            return named;
        }
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.endsWith(RUNNER_JAR) && !classPath.contains(File.pathSeparator)) {
            return Path.of(classPath);
        }
        return Path.of("target", "quarkus-app", RUNNER_JAR);
    }

    /** A duration as the benchmark options write it, e.g. 10M or 90S; zero when it cannot be read. */
    static Duration duration(String text) {
        try {
            return Duration.parse("PT" + text.strip());
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
