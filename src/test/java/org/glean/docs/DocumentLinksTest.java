package org.glean.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every link between the repository's Markdown documents resolves: to a file inside the
 * repository, and where it names an anchor, to a heading of the Markdown file it points at.
 * Links to the web are not followed (the build runs offline).
 */
class DocumentLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Set<String> NOT_DOCUMENTATION = Set.of(".git", "target", ".cache", "node_modules", "data");

    @Test
    void everyLinkBetweenDocumentsResolves() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).contains(ROOT.resolve("README.md"), ROOT.resolve("docs/operations.md"));
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            MarkdownDocument markdown = MarkdownDocument.read(document);
            for (String target : markdown.linkTargets()) {
                problem(markdown, target).ifPresent(why -> broken.add(ROOT.relativize(document) + ": " + target + " " + why));
            }
        }
        assertThat(broken).isEmpty();
    }

    private static Optional<String> problem(MarkdownDocument from, String target) {
        if (target.matches("[a-z]+:.*")) {
            return Optional.empty();
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file = path.isEmpty() ? from.file() : from.file().getParent().resolve(path).normalize();
        if (!file.startsWith(ROOT)) {
            return Optional.of("leaves the repository");
        }
        if (!Files.exists(file)) {
            return Optional.of("names no file");
        }
        if (hash >= 0) {
            if (!file.toString().endsWith(".md")) {
                return Optional.of("has an anchor into a file that is not Markdown");
            }
            String anchor = target.substring(hash + 1);
            if (!MarkdownDocument.read(file).anchors().contains(anchor)) {
                return Optional.of("names no heading of " + ROOT.relativize(file));
            }
        }
        return Optional.empty();
    }

    private static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(file -> file.toString().endsWith(".md"))
                    .filter(file -> ROOT.relativize(file).getNameCount() == 1
                            || !NOT_DOCUMENTATION.contains(ROOT.relativize(file).getName(0).toString()))
                    .sorted()
                    .toList();
        }
    }
}
