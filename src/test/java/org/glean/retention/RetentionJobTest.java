package org.glean.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.api.IngestCalls;
import org.glean.curation.CurationFixtures;
import org.glean.curation.CurationService;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention period against the real server: of the studies whose last instance arrived
 * longer ago than the period, it deletes those no task needs (none, or only a skipped one), keeps
 * those with a waiting or submitted task, and keeps every younger study; each deletion is one
 * audit trail row by the actor glean.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@TestProfile(RetentionJobTest.OneHour.class)
class RetentionJobTest {

    /** A one-hour retention period, checked too rarely to run by itself during the test. */
    public static class OneHour implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("glean.retention.period", "1H", "glean.retention.check-interval", "24H");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    RetentionJob retention;

    @Inject
    CurationService curation;

    @Inject
    AuditTrail trail;

    @Inject
    DataSource dataSource;

    @TempDir
    Path dir;

    @Test
    void deletesOnlyOldStudiesThatNoTaskNeeds() throws Exception {
        String untouched = ingest();
        String waiting = ingest();
        String submitted = ingest();
        String skipped = ingest();
        String recent = ingest();
        CurationFixtures.clear(dataSource);
        curation.setPolicy(CurationFixtures.everything());
        for (String study : List.of(waiting, submitted, skipped)) {
            double informativeness = study.equals(submitted) ? 3 : study.equals(skipped) ? 2 : 1;
            curation.decide(CurationFixtures.study(study, CurationFixtures.MODEL, informativeness),
                    CurationFixtures.CLASSES);
        }
        Actor annotator = new Actor("annotator-a", null);
        curation.submit(curation.claimNext(annotator, null).orElseThrow().id(), annotator, List.of());
        curation.skip(curation.claimNext(annotator, null).orElseThrow().id(), annotator, "not a chest");
        age(List.of(untouched, waiting, submitted, skipped));
        int deletedBefore = AuditRows.of(trail, AuditAction.STUDY_DELETED).size();

        int deleted = retention.deleteExpired();

        assertThat(deleted).isEqualTo(2);
        assertThat(stored(List.of(untouched, waiting, submitted, skipped, recent)))
                .containsExactlyInAnyOrder(waiting, submitted, recent);
        List<AuditRecord> rows = AuditRows.of(trail, AuditAction.STUDY_DELETED);
        assertThat(rows.subList(deletedBefore, rows.size()))
                .extracting(AuditRecord::actor, AuditRecord::study, AuditRecord::outcome)
                .containsExactlyInAnyOrder(tuple("glean", AuditRows.studyRef(untouched), "OK"),
                        tuple("glean", AuditRows.studyRef(skipped), "OK"));
        assertThat(rows.get(rows.size() - 1).detail())
                .startsWith("retention: its last instance arrived more than PT1H ago and no task needs it: ");
        assertThat(retention.deleteExpired()).isZero();
    }

    private String ingest() {
        String study = DcmtkFiles.newUid();
        Path file = DcmtkFiles.write(dir, Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 32), Syntax.EXPLICIT_LITTLE);
        ManagedChannel channel = LoopbackChannels.open(port);
        try {
            IngestCalls.ingest(channel, file);
        } finally {
            channel.shutdownNow();
        }
        return study;
    }

    // As if their last instance had arrived two hours ago.
    private void age(List<String> studies) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE study SET last_received_at = now() - interval '2 hours' WHERE study_instance_uid = ANY (?)")) {
            update.setArray(1, connection.createArrayOf("text", studies.toArray()));
            assertThat(update.executeUpdate()).isEqualTo(studies.size());
        }
    }

    private List<String> stored(List<String> studies) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT study_instance_uid FROM study WHERE study_instance_uid = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", studies.toArray()));
            List<String> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        }
    }
}
