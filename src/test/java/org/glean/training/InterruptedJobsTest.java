package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * A server starting beside a replica that runs a fine-tuning job leaves that job running, since
 * the replica's database session holds the job's lock; once that replica is gone (its session
 * ends) the next start marks the job FAILED as interrupted.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class InterruptedJobsTest {

    @Inject
    FineTuneJobs jobs;

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void aJobAnotherReplicaRunsStaysRunningAndIsFailedOnceThatReplicaIsGone() throws Exception {
        long job = insertRunningJob();
        // the other replica's own database session, which ends when its process does
        int replicaBackend;
        try (Connection replica = DriverManager.getConnection(url, user, password)) {
            try (PreparedStatement lock = replica.prepareStatement("SELECT pg_advisory_lock(?, ?), pg_backend_pid()")) {
                lock.setInt(1, FineTuneJobRepository.RUNNING_JOB_LOCK);
                lock.setInt(2, Math.toIntExact(job));
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    replicaBackend = row.getInt(2);
                }
            }

            jobs.failInterruptedJobs();

            assertThat(state(job)).isEqualTo("RUNNING");
        }
        awaitGone(replicaBackend);

        jobs.failInterruptedJobs();

        assertThat(state(job)).isEqualTo("FAILED");
        assertThat(reason(job)).isEqualTo(FineTuneJobs.INTERRUPTED);
    }

    // A closed connection's backend ends, and frees its locks, a moment after the client has let go.
    private void awaitGone(int backend) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement alive = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            alive.setInt(1, backend);
            while (System.nanoTime() < deadline) {
                try (ResultSet row = alive.executeQuery()) {
                    row.next();
                    if (row.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the replica's session " + backend + " did not end within 10 s");
    }

    private long insertRunningJob() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement insert = connection.createStatement();
             ResultSet row = insert.executeQuery("""
                     INSERT INTO fine_tune_job (state, trigger_kind, requested_by, parent_version, epochs, learning_rate,
                                                epoch, step, created_at)
                     VALUES ('RUNNING', 'AUTO', 'glean', 'abc', 3, 0.001, 1, 4, now()) RETURNING id""")) {
            row.next();
            return row.getLong(1);
        }
    }

    private String state(long job) throws Exception {
        return column(job, "state");
    }

    private String reason(long job) throws Exception {
        return column(job, "reason");
    }

    private String column(long job, String column) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + column + " FROM fine_tune_job WHERE id = ?")) {
            select.setLong(1, job);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
