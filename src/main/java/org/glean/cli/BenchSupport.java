package org.glean.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the benchmark commands that start a Glean server share: the jar, the machine, the work folder. */
final class BenchSupport {

    private static final String RUNNER_JAR = "quarkus-run.jar";

    private BenchSupport() {
    }

    /**
     * The Glean jar to run as the server: {@code named} when given, else the jar running this
     * command ({@code bin/glean} runs {@code java -jar quarkus-run.jar}), else the build's.
     */
    static Path serverJar(Path named) {
        if (named != null) {
            return named;
        }
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.endsWith(RUNNER_JAR) && !classPath.contains(File.pathSeparator)) {
            return Path.of(classPath);
        }
        return Path.of("target", "quarkus-app", RUNNER_JAR);
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

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
