package org.glean;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code import org.glean.X} under src/main/java follows the package table of the design's
 * architecture.md: a package imports only what it depends on there, directly or through those
 * (ingest brings dicom), and nothing above it, so that work goes upward by events.
 */
class LayeringTest {

    private static final Path MAIN = Path.of("src/main/java/org/glean");

    /** architecture.md's "depends on" column, then the packages it does not list yet. */
    private static final Map<String, Set<String>> DEPENDS_ON = Map.ofEntries(
            Map.entry("persistence", Set.of()),
            Map.entry("security", Set.of("persistence")),
            Map.entry("dicom", Set.of()),
            Map.entry("uncertainty", Set.of()),
            Map.entry("metrics", Set.of()),
            Map.entry("detector", Set.of("uncertainty")),
            Map.entry("ingest", Set.of("dicom", "metrics")),
            Map.entry("inference", Set.of("detector", "uncertainty", "ingest")),
            Map.entry("curation", Set.of("inference", "security")),
            Map.entry("pacs", Set.of("dicom", "ingest")),
            Map.entry("training", Set.of("detector", "inference", "curation", "coco")),
            Map.entry("synth", Set.of("dicom", "coco")),
            // not in architecture.md's table
            Map.entry("coco", Set.of("dicom")),
            Map.entry("health", Set.of("inference", "ingest")),
            Map.entry("retention", Set.of("curation", "pacs", "training")));

    /**
     * What every package may import: plain JDBC's transactions and timestamps, the generated gRPC
     * contracts, and security's UID references for logs, shared transactions and audit trail.
     */
    private static final Set<String> FOUNDATION = Set.of("persistence", "proto", "security");

    /** Thin fronts over everything in {@link #DEPENDS_ON}, not over each other. */
    private static final Set<String> FRONTS = Set.of("api", "web");

    /** The command line, benchmarks and start-up: they may import every package. */
    private static final Set<String> TOP = Set.of("cli", "bench", "server");

    /**
     * Imports that break the table today, as "file → imported package", each with its reason.
     * Only remove entries: the test fails on one that no longer occurs.
     */
    private static final Map<String, String> EXCEPTIONS = Map.of(
            "pacs/OutboxCatchUp.java → curation",
            "catch-up re-reads curation's decisions and submitted tasks (docs/pacs.md, design notes)",
            "pacs/OutboxCatchUp.java → inference",
            "catch-up re-reads the stored analyses (docs/pacs.md, design notes)",
            "pacs/ResultsForPacs.java → curation",
            "observes AnnotationSubmitted and reads the task's boxes (docs/pacs.md, design notes)",
            "pacs/ResultsForPacs.java → inference",
            "observes StudyScored to write the detector's SR and the KOS (docs/pacs.md, design notes)");

    private static final Pattern IMPORT = Pattern.compile(
            "^import\\s+(?:static\\s+)?(org\\.glean\\.(\\w+)\\.[\\w.]*\\*?)\\s*;", Pattern.MULTILINE);

    @Test
    void everyImportFollowsThePackageTable() {
        List<String> found = violations(MAIN);

        List<String> unexplained = found.stream()
                .filter(violation -> !EXCEPTIONS.containsKey(key(violation)))
                .toList();
        assertThat(unexplained).as("imports against architecture.md's package table").isEmpty();
        Set<String> occurring = new HashSet<>(found.stream().map(LayeringTest::key).toList());
        assertThat(EXCEPTIONS.keySet().stream().filter(exception -> !occurring.contains(exception)).sorted())
                .as("exceptions that no longer occur: remove them").isEmpty();
    }

    @Test
    void anImportOfAHigherPackageIsReportedWithItsFileAndImport(@TempDir Path root) throws IOException {
        write(root.resolve("inference/Scoring.java"), """
                package org.glean.inference;

                import org.glean.ingest.StudyRecord;
                import org.glean.curation.CurationService;
                """);
        write(root.resolve("curation/Policy.java"), "package org.glean.curation;\n\nimport org.glean.inference.StudyScores;\n");
        write(root.resolve("detector/Eval.java"), "package org.glean.detector;\n\nimport static org.glean.training.X.y;\n");

        assertThat(violations(root)).containsExactlyInAnyOrder(
                "inference/Scoring.java imports org.glean.curation.CurationService: inference may import only "
                        + "detector, dicom, ingest, metrics, persistence, proto, security, uncertainty",
                "detector/Eval.java imports org.glean.training.X.y: detector may import only "
                        + "persistence, proto, security, uncertainty");
    }

    @Test
    void aPackageMissingFromTheTableIsReported(@TempDir Path root) throws IOException {
        write(root.resolve("reports/Weekly.java"), "package org.glean.reports;\n\nimport org.glean.dicom.DicomUid;\n");

        assertThat(violations(root)).containsExactly(
                "reports/Weekly.java is in package reports, which the layering table does not list: add it as "
                        + "architecture.md places it");
    }

    /** "file imports org.glean.x.Y: package may import only …", one per import against the table. */
    static List<String> violations(Path root) {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (!relative.contains("/")) {
                    continue;
                }
                String pkg = relative.substring(0, relative.indexOf('/'));
                Set<String> allowed = allowed(pkg);
                if (allowed == null) {
                    violations.add(relative + " is in package " + pkg + ", which the layering table does not list: "
                            + "add it as architecture.md places it");
                    continue;
                }
                Matcher imports = IMPORT.matcher(Files.readString(file));
                while (imports.find()) {
                    String imported = imports.group(2);
                    if (!imported.equals(pkg) && !allowed.contains(imported)) {
                        violations.add(relative + " imports " + imports.group(1) + ": " + pkg + " may import only "
                                + String.join(", ", new TreeSet<>(allowed)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return violations;
    }

    /** The packages {@code pkg} may import; null for one the table does not know. */
    private static Set<String> allowed(String pkg) {
        if (TOP.contains(pkg)) {
            return everything(true);
        }
        if (FRONTS.contains(pkg)) {
            return everything(false);
        }
        if (!DEPENDS_ON.containsKey(pkg)) {
            return null;
        }
        Set<String> allowed = new TreeSet<>();
        Deque<String> next = new ArrayDeque<>(DEPENDS_ON.get(pkg));
        while (!next.isEmpty()) {
            String dependency = next.pop();
            if (allowed.add(dependency)) {
                next.addAll(DEPENDS_ON.getOrDefault(dependency, Set.of()));
            }
        }
        // the foundation itself keeps its own order: security on persistence, persistence on nothing
        if (!FOUNDATION.contains(pkg)) {
            allowed.addAll(FOUNDATION);
        }
        return allowed;
    }

    private static Set<String> everything(boolean withFronts) {
        Set<String> all = new TreeSet<>(DEPENDS_ON.keySet());
        all.addAll(FOUNDATION);
        if (withFronts) {
            all.addAll(FRONTS);
            all.addAll(TOP);
        }
        return all;
    }

    private static String key(String violation) {
        String file = violation.substring(0, violation.indexOf(' '));
        String imported = violation.replaceFirst("^\\S+ imports org\\.glean\\.(\\w+)\\..*$", "$1");
        return file + " → " + imported;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
