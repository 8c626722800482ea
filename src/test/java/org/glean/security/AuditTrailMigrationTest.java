package org.glean.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V8 on a database that has curation history: V5's curation_audit rows become the start
 * of the chain, in their order, with their times and actors, the studies hashed and a
 * displacement's reason no longer naming the other study; the chain then verifies.
 */
class AuditTrailMigrationTest {

    @Test
    void curationHistoryBecomesTheStartOfTheChain() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .start()) {
            DataSource dataSource = postgres.getPostgresDatabase();
            migrate(dataSource, "7");
            execute(dataSource, """
                    INSERT INTO annotation_task (study_instance_uid, model_version, informativeness, class_names,
                                                 state, created_at, skip_reason, displaced_by)
                    VALUES ('1.2.3', 'm', 1.0, '{nodule}', 'QUEUED', now(), NULL, NULL),
                           ('1.2.4', 'm', 0.5, '{nodule}', 'SKIPPED', now(),
                            'displaced by the more informative study 1.2.3 (task 1) within the budget of policy v1', 1);
                    INSERT INTO curation_audit (occurred_at, actor, action, task_id, study_instance_uid, from_state,
                                                to_state, detail)
                    VALUES ('2026-11-30T10:00:00.123456Z', 'glean', 'QUEUED', 2, '1.2.4', NULL, 'QUEUED', 'selected'),
                           ('2026-11-30T10:00:01Z', 'glean', 'QUEUED', 1, '1.2.3', NULL, 'QUEUED', 'selected'),
                           ('2026-11-30T10:00:01.5Z', 'glean', 'DISPLACED', 2, '1.2.4', 'QUEUED', 'SKIPPED',
                            'displaced by the more informative study 1.2.3 (task 1) within the budget of policy v1'),
                           ('2026-11-30T11:00:00Z', 'ops-lee', 'POLICY_CHANGED', NULL, NULL, NULL, NULL,
                            'now in force: policy v2 (threshold 0.5, budget none)');
                    """);

            migrate(dataSource, "8");

            AuditTrail trail = new AuditTrail(dataSource);
            List<AuditRecord> rows = trail.list(new AuditTrail.Filter(null, null, null, null, 10));
            assertThat(rows).extracting(AuditRecord::id, AuditRecord::actor, AuditRecord::action, AuditRecord::study,
                    AuditRecord::taskId).containsExactly(
                    tuple(1L, "glean", "QUEUED", AuditRows.studyRef("1.2.4"), 2L),
                    tuple(2L, "glean", "QUEUED", AuditRows.studyRef("1.2.3"), 1L),
                    tuple(3L, "glean", "DISPLACED", AuditRows.studyRef("1.2.4"), 2L),
                    tuple(4L, "ops-lee", "POLICY_CHANGED", null, null));
            assertThat(rows.get(0).occurredAt()).hasToString("2026-11-30T10:00:00.123456Z");
            assertThat(rows.get(2).detail())
                    .isEqualTo("displaced by the more informative task (task 1) within the budget of policy v1");
            assertThat(strings(dataSource, "SELECT skip_reason FROM annotation_task WHERE displaced_by = 1"))
                    .containsExactly("displaced by the more informative task (task 1) within the budget of policy v1");
            AuditTrail.Verification verification = trail.verify();
            assertThat(verification.intact()).as(verification.problem()).isTrue();
            assertThat(verification.checked()).isEqualTo(4);
        }
    }

    private static void migrate(DataSource dataSource, String version) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target(version).load().migrate();
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> strings(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
