package org.glean.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures count as a database outage: connection states and pool timeouts, however wrapped; nothing else. */
class DatabaseOutageCausesTest {

    @Test
    void connectionFailuresAndServerShutdownsAreOutagesWhereverTheyAreWrapped() {
        assertThat(DatabaseOutage.isCause(new SQLException("Connection to localhost:5432 refused", "08001"))).isTrue();
        assertThat(DatabaseOutage.isCause(new SQLException("An I/O error occurred", "08006"))).isTrue();
        assertThat(DatabaseOutage.isCause(new SQLException("terminating connection due to administrator command",
                "57P01"))).isTrue();
        assertThat(DatabaseOutage.isCause(new SQLException("the database system is starting up", "57P03"))).isTrue();
        assertThat(DatabaseOutage.isCause(new IllegalStateException("storing failed",
                new RuntimeException("Unable to acquire JDBC Connection", new SQLException("refused", "08001")))))
                .isTrue();
    }

    @Test
    void thePoolsAcquisitionTimeoutsAreOutages() {
        assertThat(DatabaseOutage.isCause(new SQLException("Sorry, acquisition timeout!"))).isTrue();
        assertThat(DatabaseOutage.isCause(new SQLException("Acquisition timeout while waiting for new connection")))
                .isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(DatabaseOutage.isCause(new SQLException("duplicate key value", "23505"))).isFalse();
        assertThat(DatabaseOutage.isCause(new SQLException("canceling statement due to statement timeout", "57014")))
                .isFalse();
        assertThat(DatabaseOutage.isCause(new SQLException("no state"))).isFalse();
        assertThat(DatabaseOutage.isCause(new UncheckedIOException(new IOException("No space left on device"))))
                .isFalse();
        assertThat(DatabaseOutage.isCause(null)).isFalse();
    }
}
