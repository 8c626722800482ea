package org.glean.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the process answers HTTP. Deliberately nothing else: a database outage or a full
 * disk makes the server unready, and restarting it would not mend either.
 */
@Liveness
@ApplicationScoped
public class ProcessLivenessCheck implements HealthCheck {

    static final String NAME = "process";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).up()
                .withData("uptime-s", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                .build();
    }
}
