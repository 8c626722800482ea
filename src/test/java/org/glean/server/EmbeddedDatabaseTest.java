package org.glean.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glean.ingest.DcmtkFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL that {@code glean serve} starts on embedded defaults. */
class EmbeddedDatabaseTest {

    @TempDir
    Path dataFolder;

    @Test
    void flushesEveryCommitToDiskUnlikeZonkysTestDefaults() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataFolder.resolve("postgres"), freePort());
                Connection connection = DriverManager.getConnection(database.jdbcUrl());
                Statement statement = connection.createStatement()) {
            assertThat(setting(statement, "fsync")).isEqualTo("on");
            assertThat(setting(statement, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(statement, "listen_addresses")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void refusesAPortAnotherProcessHoldsInsteadOfUsingWhateverListensThere() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(dataFolder.resolve("postgres"), taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort() + " is in use")
                    .hasMessageContaining("GLEAN_EMBEDDED_DB_PORT");
        }
        assertThat(dataFolder.resolve("postgres")).doesNotExist();
    }

    @Test
    void recoversItsDataFolderFromAKilledServerButNotFromALiveOne() throws Exception {
        Path folder = dataFolder.resolve("postgres");
        Path bin;
        try (EmbeddedDatabase first = EmbeddedDatabase.start(folder, freePort())) {
            execute(first.jdbcUrl(), "CREATE TABLE kept (note TEXT); INSERT INTO kept VALUES ('survives')");
            bin = Path.of(postmaster(folder).info().command().orElseThrow()).getParent();
        }
        // what a server killed with kill -9 leaves: its postmaster running, nobody owning it
        List<String> pgCtl = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            pgCtl.addAll(List.of("unshare", "-U")); // PostgreSQL refuses root; zonky does the same
        }
        pgCtl.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", folder.toString(), "-o",
                "-p " + freePort() + " -c listen_addresses=127.0.0.1", "-l", dataFolder.resolve("pg.log").toString(),
                "-w", "start"));
        String started = DcmtkFiles.run(pgCtl);
        assertThat(started).contains("server started");
        ProcessHandle leftover = postmaster(folder);

        try (EmbeddedDatabase restarted = EmbeddedDatabase.start(folder, freePort())) {
            assertThat(leftover.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(query(restarted.jdbcUrl(), "SELECT note FROM kept")).isEqualTo("survives");
            assertThat(postmaster(folder).pid()).isNotEqualTo(leftover.pid());
            // while its server lives, the folder is its own
            assertThatThrownBy(() -> EmbeddedDatabase.start(folder, freePort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another glean serve is using it")
                    .hasMessageContaining("GLEAN_DATA_DIR");
            assertThat(query(restarted.jdbcUrl(), "SELECT 1")).isEqualTo("1");
        }

        // as after a reboot, when the postmaster's old process id belongs to something else
        Files.writeString(folder.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + folder
                + "\n1700000000\n5432\n/tmp\n127.0.0.1\n0 0\nready\n");
        try (EmbeddedDatabase afterReboot = EmbeddedDatabase.start(folder, freePort())) {
            assertThat(query(afterReboot.jdbcUrl(), "SELECT note FROM kept")).isEqualTo("survives");
        }
    }

    private static ProcessHandle postmaster(Path folder) {
        return PostmasterPidFile.read(folder).flatMap(PostmasterPidFile::runningPostmaster).orElseThrow();
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static String setting(Statement statement, String name) throws Exception {
        try (ResultSet result = statement.executeQuery("SHOW " + name)) {
            result.next();
            return result.getString(1);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
