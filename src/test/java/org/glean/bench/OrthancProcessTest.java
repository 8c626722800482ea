package org.glean.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's Orthanc side on a few instances: Debian's Orthanc as a child process, dcmsend into it. */
class OrthancProcessTest {

    @TempDir
    Path dir;

    @Test
    void dcmsendStoresEveryInstanceInOrthancAndTheServerIsStoppedAfterwards() throws Exception {
        Path instances = dir.resolve("instances");
        BenchmarkInstances.write(instances, 5, 1, 32);
        ProcessHandle orthancProcess;
        try (OrthancProcess orthanc = OrthancProcess.start(dir)) {
            orthanc.awaitReady(Duration.ofMinutes(1));
            orthancProcess = ProcessHandle.current().children()
                    .filter(child -> child.info().command().orElse("").endsWith("Orthanc"))
                    // this one's, not an Orthanc a test resource of the same JVM still runs
                    .filter(child -> List.of(child.info().arguments().orElse(new String[0]))
                            .contains(dir.resolve("orthanc.json").toAbsolutePath().toString()))
                    .findFirst().orElseThrow();

            Duration elapsed = Dcmsend.send(OrthancProcess.AE_TITLE, orthanc.dicomPort(), List.of(instances),
                    dir.resolve("dcmsend"));

            assertThat(orthanc.instanceCount()).isEqualTo(5);
            assertThat(elapsed).isPositive();
            assertThat(orthanc.cpuTime()).isPositive();
            assertThat(orthanc.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        }
        assertThat(orthancProcess.isAlive()).isFalse();
    }
}
