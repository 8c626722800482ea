package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.cli.GleanRun.glean;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.glean.cli.GleanRun.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every command that calls the server answers before and after it reaches one. */
class ServerConnectionTest {

    @TempDir
    Path dir;

    @Test
    void withoutATokenEachCommandExitsTwoNamingItselfAndTheRemedy() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.jwt"), " \n");
        Map<String, String[]> commands = Map.of(
                "glean delete-study", new String[] {"delete-study", "1.2.3"},
                "glean audit", new String[] {"audit"},
                "glean users add", new String[] {"users", "add", "bob", "--role", "annotator"},
                "glean export", new String[] {"export", "--out", dir.resolve("export.json").toString()});
        for (Map.Entry<String, String[]> command : commands.entrySet()) {
            Output run = glean(new String[] {"--plaintext", "--port", "1", "--token-file", empty.toString()},
                    command.getValue());

            String name = command.getKey();
            assertThat(run.exitCode()).as(name).isEqualTo(2);
            assertThat(run.err()).as(name).contains(name + ": no bearer token: set GLEAN_TOKEN or --token-file");
        }
    }

    @Test
    void aServerThatCannotBeReachedExitsOneWithWhatTheCallAnswered() {
        Output run = glean(new String[] {"--host", "127.0.0.1", "--port", "1", "--plaintext",
            "--token-file", GleanRun.ADMIN_TOKEN.toString()}, "audit");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("glean audit: the server at 127.0.0.1:1 answered UNAVAILABLE");
    }
}
