package org.glean.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import org.glean.docs.DeclaredProperties.Declared;
import org.glean.docs.MarkdownDocument.Table;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's configuration reference names exactly the {@code glean.*} properties the
 * server reads (see {@link DeclaredProperties}), each with the code's type and default, so that it
 * cannot drift from the server.
 */
class ConfigurationReferenceTest {

    static final Path OPERATIONS = Path.of("docs/operations.md");
    static final String SECTION = "Configuration reference";
    private static final List<String> COLUMNS = List.of("property", "type", "default", "meaning");

    /** A row of the reference. */
    record Documented(String type, String defaultValue) {
    }

    private static SortedMap<String, Declared> declared;
    private static Map<String, Documented> documented;

    @BeforeAll
    static void read() {
        declared = DeclaredProperties.ofServer();
        documented = reference();
    }

    @Test
    void namesEveryPropertyTheServerReadsAndNoOther() {
        TreeSet<String> undocumented = new TreeSet<>(declared.keySet());
        undocumented.removeAll(documented.keySet());
        TreeSet<String> unknown = new TreeSet<>(documented.keySet());
        unknown.removeAll(declared.keySet());

        assertThat(undocumented).as("read by the server but missing from " + OPERATIONS + " § " + SECTION).isEmpty();
        assertThat(unknown).as("in " + OPERATIONS + " § " + SECTION + " but read by no code and named in no "
                + DeclaredProperties.APPLICATION_PROPERTIES).isEmpty();
        assertThat(declared).as("the code's configuration mappings were found").containsKeys(
                "glean.scp.allowed-callers", "glean.inference.remote.token-file", "glean.store.dir");
    }

    @Test
    void givesEachPropertyTheCodesTypeAndDefault() {
        List<String> wrong = new ArrayList<>();
        declared.forEach((name, property) -> {
            Documented row = documented.get(name);
            if (row == null) {
                return;
            }
            String defaultValue = property.defaultValue().map(value -> "`" + value + "`").orElse("none");
            property.type().filter(type -> !type.equals(row.type()))
                    .ifPresent(type -> wrong.add(name + ": type is " + type + ", documented " + row.type()));
            if (!row.defaultValue().equals(defaultValue)) {
                wrong.add(name + ": default is " + defaultValue + ", documented " + row.defaultValue());
            }
        });
        assertThat(wrong).isEmpty();
    }

    /** The reference's rows by property; every table of the section has the reference's columns. */
    private static Map<String, Documented> reference() {
        List<Table> tables = MarkdownDocument.read(OPERATIONS).tablesOfSection(SECTION);
        assertThat(tables).as(OPERATIONS + " § " + SECTION + " holds tables").isNotEmpty();
        Map<String, Documented> rows = new LinkedHashMap<>();
        for (Table table : tables) {
            assertThat(table.header()).as("columns of a table in " + OPERATIONS + " § " + SECTION).isEqualTo(COLUMNS);
            for (List<String> cells : table.rows()) {
                assertThat(cells).as("row " + cells).hasSize(COLUMNS.size());
                String property = cells.get(0);
                assertThat(property).as("first cell of a reference row").matches("`glean\\.[a-z0-9.*-]+`");
                String name = property.substring(1, property.length() - 1);
                assertThat(rows).as("documented once: " + name).doesNotContainKey(name);
                rows.put(name, new Documented(cells.get(1), cells.get(2)));
            }
        }
        return rows;
    }
}
