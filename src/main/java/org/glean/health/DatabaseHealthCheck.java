package org.glean.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the database answers a {@code SELECT 1} through the server's own connection pool
 * within {@code glean.health.database-timeout}. Every call stores or reads rows, so without it
 * the server can serve nothing.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

    static final String NAME = "database";

    private final DataSource dataSource;
    private final HealthConfig config;

    public DatabaseHealthCheck(DataSource dataSource, HealthConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        long started = System.nanoTime();
        int timeoutSeconds = (int) Math.max(1, config.databaseTimeout().toSeconds());
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet result = statement.executeQuery("SELECT 1")) {
                if (!result.next() || result.getInt(1) != 1) {
                    return response.down().withData("reason", "SELECT 1 did not answer 1").build();
                }
            }
            return response.up().withData("answered-in-ms", (System.nanoTime() - started) / 1_000_000).build();
        } catch (SQLException e) {
            // A connection or timeout error: it names hosts and states, never rows.
            return response.down()
                    .withData("reason", "the database does not answer SELECT 1 within " + timeoutSeconds
                            + " s: " + e.getMessage() + " (check that PostgreSQL runs and that "
                            + "quarkus.datasource.* names it)")
                    .build();
        }
    }
}
