package org.glean.server;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real PostgreSQL (embedded, as {@code glean serve} starts it) that a test stops and starts
 * again under the running server, on the same port and data: a database outage. The test
 * classes naming it also get an instance store of their own, to compare with the records.
 */
public class RestartablePostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static Path dataDir;
    private static int port;
    private static EmbeddedDatabase running;

    @Override
    public Map<String, String> start() {
        try {
            Path root = Files.createTempDirectory("glean-outage-");
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

    @Override
    public synchronized void stop() {
        if (running != null) {
            try {
                stopDatabase();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
