package org.glean.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.glean.security.Role;
import org.glean.security.TestTokens;

/** Runs the {@code glean} command in-process and captures what it prints, as a user would see it. */
final class GleanRun {

    record Output(int exitCode, String out, String err) {
    }

    /** A file with a test admin's token, for --token-file. */
    static final Path ADMIN_TOKEN = adminTokenFile();

    private GleanRun() {
    }

    /** The options that reach the test server on loopback (plaintext, as the tests serve) as the test admin. */
    static String[] server(int port) {
        return new String[] {"--host", "127.0.0.1", "--port", String.valueOf(port), "--plaintext",
                "--token-file", ADMIN_TOKEN.toString()};
    }

    /** glean with the arguments, then the options. */
    static Output glean(String[] options, String... arguments) {
        return glean(Stream.concat(Arrays.stream(arguments), Arrays.stream(options)).toArray(String[]::new));
    }

    /** glean reading standard input from the text. */
    static synchronized Output gleanWithInput(String input, String... args) {
        InputStream originalIn = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            return glean(args);
        } finally {
            System.setIn(originalIn);
        }
    }

    private static Path adminTokenFile() {
        try {
            Path file = Files.createTempFile("glean-test-token", ".jwt");
            file.toFile().deleteOnExit();
            return Files.writeString(file, TestTokens.token(TestTokens.TEST_ADMIN, Role.ADMIN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // GleanCommand prints to System.out and System.err; swapping them is global, hence synchronized.
    static synchronized Output glean(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exitCode = GleanCommand.execute(args);
            return new Output(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
