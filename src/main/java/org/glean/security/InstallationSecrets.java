package org.glean.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The installation's random secrets (db/migration/V9__deidentification.sql), made by whichever
 * replica starts first and then read by all. At start-up, before anything is received, the
 * secret of {@link UidReference} is put in place.
 */
@ApplicationScoped
public class InstallationSecrets {

    static final String LOG_REFERENCES = "log-references";

    private final DataSource dataSource;

    public InstallationSecrets(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void onStart(@Observes @Priority(1) StartupEvent start) {
        UidReference.useSecret(secret(LOG_REFERENCES));
    }

    /** The secret for {@code purpose}, made now if there is none. */
    byte[] secret(String purpose) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO installation_secret (purpose, secret) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, purpose);
                insert.setBytes(2, UidReference.randomSecret());
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT secret FROM installation_secret WHERE purpose = ?")) {
                select.setString(1, purpose);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getBytes(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read or write the installation's secrets", e);
        }
    }
}
