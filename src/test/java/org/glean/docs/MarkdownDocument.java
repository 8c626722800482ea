package org.glean.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of one Markdown file the documentation tests read: its headings (as GitHub makes
 * them into anchors), its sections, their tables, and its links. Fenced code blocks are skipped.
 */
final class MarkdownDocument {

    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern SEPARATOR_CELL = Pattern.compile(":?-{3,}:?");

    /** A table: its header cells and its body rows' cells, with `\|` unescaped. */
    record Table(List<String> header, List<List<String>> rows) {
    }

    private final Path file;
    private final List<String> lines;

    private MarkdownDocument(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    static MarkdownDocument read(Path file) {
        try {
            return new MarkdownDocument(file, withoutFencedCode(Files.readAllLines(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    /** The anchors of the document's headings, as GitHub names them (duplicates numbered). */
    Set<String> anchors() {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : lines) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** Every link target, in order: `[text](target)` and images alike. */
    List<String> linkTargets() {
        List<String> targets = new ArrayList<>();
        for (String line : lines) {
            Matcher link = LINK.matcher(line);
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    /** The tables between the {@code ## title} heading and the next heading of level 2 or higher. */
    List<Table> tablesOfSection(String title) {
        int start = lines.indexOf("## " + title);
        if (start < 0) {
            throw new AssertionError(file + " has no section '## " + title + "'");
        }
        List<Table> tables = new ArrayList<>();
        int i = start + 1;
        while (i < lines.size() && !lines.get(i).matches("#{1,2} .*")) {
            if (isRow(lines.get(i)) && i + 1 < lines.size() && isSeparator(lines.get(i + 1))) {
                List<String> header = cells(lines.get(i));
                List<List<String>> rows = new ArrayList<>();
                i += 2;
                while (i < lines.size() && isRow(lines.get(i))) {
                    rows.add(cells(lines.get(i)));
                    i++;
                }
                tables.add(new Table(header, rows));
            } else {
                i++;
            }
        }
        return tables;
    }

    /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    private static boolean isRow(String line) {
        return line.startsWith("|");
    }

    private static boolean isSeparator(String line) {
        return isRow(line) && cells(line).stream().allMatch(cell -> SEPARATOR_CELL.matcher(cell).matches());
    }

    private static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.endsWith("|") && !inner.endsWith("\\|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip().replace("\\|", "|"));
        }
        return cells;
    }

    private static List<String> withoutFencedCode(List<String> lines) {
        List<String> kept = new ArrayList<>();
        boolean inFence = false;
        for (String line : lines) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
            } else if (!inFence) {
                kept.add(line);
            }
        }
        return kept;
    }
}
