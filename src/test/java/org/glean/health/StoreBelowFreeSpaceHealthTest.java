package org.glean.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * A server whose store has less free space than glean.health.min-free-space (set to 1 PiB, above
 * any disk the tests run on): unready over HTTP and NOT_SERVING over gRPC, with a reason an
 * operator can act on, and still live.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@TestProfile(StoreBelowFreeSpaceHealthTest.HugeFreeSpaceMinimum.class)
class StoreBelowFreeSpaceHealthTest {

    public static class HugeFreeSpaceMinimum implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("glean.health.min-free-space", "1P");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void readinessIsDownNamingTheSettingAndGrpcHealthIsNotServing() throws Exception {
        HealthEndpoints.Answer ready = HealthEndpoints.get(port, "/q/health/ready");

        assertThat(ready.status()).as(ready.body().toString()).isEqualTo(503);
        assertThat(ready.body().path("status").asText()).isEqualTo("DOWN");
        assertThat(ready.check("instance-store").path("status").asText()).isEqualTo("DOWN");
        assertThat(ready.check("instance-store").path("data").path("reason").asText())
                .contains("bytes free, below glean.health.min-free-space (1125899906842624 bytes)")
                .contains("free or add space, or lower the setting");
        assertThat(ready.check("database").path("status").asText()).isEqualTo("UP");
        assertThat(ready.check("model").path("status").asText()).isEqualTo("UP");

        assertThat(HealthEndpoints.grpcStatus(port)).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void livenessStaysUp() throws Exception {
        HealthEndpoints.Answer live = HealthEndpoints.get(port, "/q/health/live");

        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body().path("status").asText()).isEqualTo("UP");
    }
}
