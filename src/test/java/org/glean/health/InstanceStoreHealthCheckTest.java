package org.glean.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceStoreHealthCheckTest {

    @TempDir
    Path dir;

    @Test
    void aWritableStoreWithSpaceIsUpAndLeavesNoProbeFileBehind() throws Exception {
        HealthCheckResponse response = new InstanceStoreHealthCheck(dir, 1).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat((Long) response.getData().orElseThrow().get("free-bytes")).isPositive();
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aMissingStoreIsDownSayingSo() {
        Path missing = dir.resolve("instances");

        HealthCheckResponse response = new InstanceStoreHealthCheck(missing, 1).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow().get("reason").toString())
                .isEqualTo("the instance store " + missing + " does not exist: create it or point glean.store.dir at the store");
    }

    @Test
    void aFileWhereTheStoreShouldBeIsDown() throws Exception {
        Path file = Files.writeString(dir.resolve("instances"), "x");

        HealthCheckResponse response = new InstanceStoreHealthCheck(file, 1).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow().get("reason").toString()).endsWith(
                " is not a directory: create it or point glean.store.dir at the store");
    }
}
