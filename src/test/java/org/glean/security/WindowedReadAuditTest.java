package org.glean.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class WindowedReadAuditTest {

    @Inject
    AuditTrail trail;

    @Test
    void aCallersReadsOfAStudyWriteOneRowPerWindow() throws Exception {
        WindowedReadAudit audit = new WindowedReadAudit(trail, Duration.ofMillis(500));
        String reader = "dr-window-" + System.nanoTime();
        Actor actor = new Actor(reader, "127.0.0.1:4000");
        AuditEntry read = AuditEntry.of(actor, AuditAction.FRAMES_READ).study("1.2.3.4").detail("frames");

        for (int i = 0; i < 20; i++) {
            audit.record(read);
        }
        audit.record(read.study("1.2.3.5"));
        audit.record(AuditEntry.of(new Actor(reader + "-colleague", null), AuditAction.FRAMES_READ).study("1.2.3.4")
                .detail("frames"));
        assertThat(AuditRows.of(trail, reader)).extracting(AuditRecord::study)
                .containsExactly(AuditRows.studyRef("1.2.3.4"), AuditRows.studyRef("1.2.3.5"));
        assertThat(AuditRows.of(trail, reader + "-colleague")).hasSize(1);

        Thread.sleep(600);
        audit.record(read);
        assertThat(AuditRows.of(trail, reader)).extracting(AuditRecord::study).containsExactly(
                AuditRows.studyRef("1.2.3.4"), AuditRows.studyRef("1.2.3.5"), AuditRows.studyRef("1.2.3.4"));
    }
}
