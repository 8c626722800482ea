package org.glean.health;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN from the moment a stop begins, so that a load balancer or Kubernetes takes the
 * server out of service while the calls in progress drain (gRPC health answers NOT_SERVING
 * with it), instead of sending new work that would be refused UNAVAILABLE.
 */
@Readiness
@ApplicationScoped
public class StoppingHealthCheck implements HealthCheck {

    static final String NAME = "stopping";

    private volatile boolean stopping;

    // Before the drain, which waits for the calls in progress and so holds up later observers.
    void stopping(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownDelayInitiatedEvent event) {
        stopping = true;
    }

    @Override
    public HealthCheckResponse call() {
        return stopping
                ? HealthCheckResponse.named(NAME).down().withData("reason", "the server is stopping").build()
                : HealthCheckResponse.named(NAME).up().build();
    }
}
