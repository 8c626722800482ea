package org.glean.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * The audit trail in the real database: rows chain, the database refuses to change or remove
 * them, the verifier finds the first row that was edited or removed all the same (by the table's
 * owner, with the guard switched off, and put back after), and concurrent writers keep one chain.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuditTrailTest {

    @Inject
    AuditTrail trail;

    @Inject
    DataSource dataSource;

    @Test
    void appendedRowsChainOneAfterAnotherAndVerify() {
        String actor = uniqueActor();
        trail.append(AuditEntry.of(new Actor(actor, "[::1]:4711"), AuditAction.TASK_READ).study("1.2.840.10008.1")
                .task(7L).transition("QUEUED", "CLAIMED").detail("with an é, a 𝔾 outside the BMP | and a: colon"));
        trail.append(AuditEntry.of(new Actor(actor, null), AuditAction.POLICY_CHANGED).target("policy 3")
                .outcome("PERMISSION_DENIED"));

        List<AuditRecord> rows = rowsOf(actor);

        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).id()).isEqualTo(rows.get(0).id() + 1);
        assertThat(rows.get(1).previousHash()).isEqualTo(rows.get(0).rowHash());
        assertThat(rows.get(0).peer()).isEqualTo("[::1]:4711");
        assertThat(rows.get(0).study()).as("the study by the SHA-256 of its UID, never the UID")
                .isEqualTo(AuditRows.studyRef("1.2.840.10008.1"));
        rows.forEach(row -> assertThat(row.rowHash()).as("Java and the database hash row %d alike", row.id())
                .isEqualTo(row.expectedHash()));
        AuditTrail.Verification verification = trail.verify();
        assertThat(verification.intact()).as(verification.problem()).isTrue();
        assertThat(verification.checked()).isGreaterThanOrEqualTo(rows.get(1).id());
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveARow() throws SQLException {
        String actor = uniqueActor();
        trail.append(AuditEntry.of(new Actor(actor, null), AuditAction.USER_ADDED).target("user eve"));
        long id = rowsOf(actor).get(0).id();

        for (String change : List.of("UPDATE audit_trail SET actor = 'someone else' WHERE id = " + id,
                "DELETE FROM audit_trail WHERE id = " + id, "TRUNCATE audit_trail")) {
            assertThatThrownBy(() -> execute(change)).as(change).isInstanceOf(SQLException.class)
                    .hasMessageContaining("audit_trail is append-only");
        }
        assertThat(rowsOf(actor)).extracting(AuditRecord::actor).containsExactly(actor);
    }

    @Test
    void theFirstEditedRowIsReportedByItsId() throws SQLException {
        String actor = uniqueActor();
        for (String detail : List.of("first", "second", "third")) {
            trail.append(AuditEntry.of(new Actor(actor, null), AuditAction.STUDY_READ).detail(detail));
        }
        AuditRecord second = rowsOf(actor).get(1);
        try {
            asOwnerWithoutGuards("UPDATE audit_trail SET detail = 'nothing to see' WHERE id = " + second.id());

            AuditTrail.Verification verification = trail.verify();

            assertThat(verification.intact()).isFalse();
            assertThat(verification.firstBrokenId()).isEqualTo(second.id());
            assertThat(verification.problem()).contains("changed after it was written");
        } finally {
            asOwnerWithoutGuards("UPDATE audit_trail SET detail = 'second' WHERE id = " + second.id());
        }
        assertThat(trail.verify().intact()).isTrue();
    }

    @Test
    void aRowRemovedFromTheMiddleBreaksTheChainAtTheNext() throws SQLException {
        String actor = uniqueActor();
        for (String detail : List.of("first", "second", "third")) {
            trail.append(AuditEntry.of(new Actor(actor, null), AuditAction.STUDY_READ).detail(detail));
        }
        List<AuditRecord> rows = rowsOf(actor);
        AuditRecord second = rows.get(1);
        String saved = asJson(second.id());
        try {
            asOwnerWithoutGuards("DELETE FROM audit_trail WHERE id = " + second.id());

            AuditTrail.Verification verification = trail.verify();

            assertThat(verification.firstBrokenId()).isEqualTo(rows.get(2).id());
            assertThat(verification.problem()).isEqualTo("row " + second.id() + " is missing");
        } finally {
            asOwnerWithoutGuards("INSERT INTO audit_trail SELECT * FROM json_populate_record(NULL::audit_trail, ?::json)",
                    saved);
        }
        assertThat(trail.verify().intact()).isTrue();
    }

    @Test
    void concurrentWritersKeepOneLinearChain() throws Exception {
        String actor = uniqueActor();
        int writers = 8;
        int rowsEach = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                int number = writer;
                done.add(pool.submit(() -> {
                    for (int row = 0; row < rowsEach; row++) {
                        String detail = "writer " + number + ", row " + row;
                        Jdbc.inTransaction(dataSource, connection -> {
                            // each commit waits for the log on disk, as the server's database does
                            try (Statement durable = connection.createStatement()) {
                                durable.execute("SET LOCAL synchronous_commit = on");
                            }
                            trail.append(connection, AuditEntry.of(new Actor(actor, null), AuditAction.STUDY_READ)
                                    .detail(detail));
                            return null;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> writer : done) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("audit trail: %d rows by %d concurrent writers, one durable commit each, in %.2f s "
                + "(%.0f rows/s)%n",
                writers * rowsEach, writers, seconds, writers * rowsEach / seconds);

        List<AuditRecord> rows = trail.list(new AuditTrail.Filter(null, actor, null, null, writers * rowsEach));
        assertThat(rows).hasSize(writers * rowsEach);
        AuditTrail.Verification verification = trail.verify();
        assertThat(verification.intact()).as(verification.problem()).isTrue();
        assertThat(verification.headHash()).isEqualTo(trail.list(new AuditTrail.Filter(null, null, null, null, 1))
                .get(0).rowHash());
    }

    private List<AuditRecord> rowsOf(String actor) {
        return AuditRows.of(trail, actor);
    }

    private static String uniqueActor() {
        return "trail-test-" + UUID.randomUUID();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    // What only the table's owner can do: switch the guards off for one change, in one transaction.
    private void asOwnerWithoutGuards(String sql, String... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement guards = connection.createStatement();
                 PreparedStatement change = connection.prepareStatement(sql)) {
                guards.execute("ALTER TABLE audit_trail DISABLE TRIGGER USER");
                for (int i = 0; i < parameters.length; i++) {
                    change.setString(i + 1, parameters[i]);
                }
                change.execute();
                guards.execute("ALTER TABLE audit_trail ENABLE TRIGGER USER");
            }
            connection.commit();
        }
    }

    private String asJson(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT row_to_json(a)::text FROM audit_trail a WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
