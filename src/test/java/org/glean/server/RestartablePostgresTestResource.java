package org.glean.server;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (embedded, as {@code glean serve} starts it) that a test stops and starts
 * again under the running server, on the same port and data: a database outage. The test
 * classes naming it also get an instance store of their own, to compare with the records.
 */
public class RestartablePostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static Path root;
    private static Path dataDir;
    private static int port;
    private static EmbeddedDatabase running;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("glean-outage-");
            dataDir = root.resolve("postgres");
            port = freePort();
            startDatabase();
            return Map.of(
                    "quarkus.datasource.jdbc.url", running.jdbcUrl(),
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres",
                    "glean.store.dir", root.resolve("instances").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops PostgreSQL (a fast shutdown: sessions are ended) under the running server. */
    public static synchronized void stopDatabase() throws IOException {
        running.close();
        running = null;
    }

    /** Starts it again on the same data and port. */
    public static synchronized void startDatabase() {
        running = EmbeddedDatabase.start(dataDir, port);
    }

    /** Stops PostgreSQL and removes its data and the instance store. */
    @Override
    public synchronized void stop() {
        try {
            if (running != null) {
                stopDatabase();
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
