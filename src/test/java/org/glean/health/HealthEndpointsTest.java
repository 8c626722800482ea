package org.glean.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/** A healthy test server (database up, store writable, no model installed): ready, live, SERVING. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class HealthEndpointsTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void readinessIsUpWithTheDatabaseStoreAndModelChecks() throws Exception {
        HealthEndpoints.Answer ready = HealthEndpoints.get(port, "/q/health/ready");

        assertThat(ready.status()).as(ready.body().toString()).isEqualTo(200);
        assertThat(ready.body().path("status").asText()).isEqualTo("UP");
        List<String> names = new ArrayList<>();
        ready.body().path("checks").forEach(check -> names.add(check.path("name").asText()));
        assertThat(names).contains("database", "instance-store", "model");
        assertThat(ready.check("database").path("status").asText()).isEqualTo("UP");
        assertThat(ready.check("instance-store").path("status").asText()).as(ready.body().toString()).isEqualTo("UP");
        assertThat(ready.check("instance-store").path("data").path("free-bytes").asLong())
                .isGreaterThanOrEqualTo(ready.check("instance-store").path("data").path("min-free-bytes").asLong());
        // The test profile installs no model: that is UP (studies are still stored), and says so.
        assertThat(ready.check("model").path("status").asText()).isEqualTo("UP");
        assertThat(ready.check("model").path("data").path("current-version").asText())
                .isEqualTo(ModelHealthCheck.NO_MODEL);
    }

    @Test
    void livenessAndStartupAreUpWithoutAToken() throws Exception {
        HealthEndpoints.Answer live = HealthEndpoints.get(port, "/q/health/live");
        HealthEndpoints.Answer started = HealthEndpoints.get(port, "/q/health/started");
        HealthEndpoints.Answer all = HealthEndpoints.get(port, "/q/health");

        assertThat(live.status()).isEqualTo(200);
        assertThat(live.check("process").path("status").asText()).isEqualTo("UP");
        assertThat(live.body().toString()).doesNotContain("database");
        assertThat(started.status()).isEqualTo(200);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void grpcHealthIsServingForTheServerAndGleanServicesAndNotFoundForOthers() throws Exception {
        assertThat(HealthEndpoints.grpcStatus(port)).isEqualTo(ServingStatus.SERVING);
        ManagedChannel channel = LoopbackChannels.anonymous(port);
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            assertThat(health.check(HealthCheckRequest.newBuilder().setService("glean.v1.StudyIngest").build())
                    .getStatus()).isEqualTo(ServingStatus.SERVING);
            assertThatThrownBy(() -> health.check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        } finally {
            LoopbackChannels.close(channel);
        }
    }
}
