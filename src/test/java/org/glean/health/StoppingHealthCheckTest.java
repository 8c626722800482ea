package org.glean.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class StoppingHealthCheckTest {

    @Test
    void upWhileRunningAndDownWithTheReasonOnceTheStopBegins() {
        StoppingHealthCheck check = new StoppingHealthCheck();
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        check.stopping(new ShutdownDelayInitiatedEvent());

        HealthCheckResponse stopping = check.call();
        assertThat(stopping.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(stopping.getData().orElseThrow()).containsEntry("reason", "the server is stopping");
    }
}
