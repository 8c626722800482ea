package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.api.IngestCalls;
import org.glean.health.HealthEndpoints;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instance store's file system filling up past the low-water mark (glean.health.min-free-space)
 * and emptying again, for real: the mark is set 2 GiB below the space free when the server starts,
 * and the test takes the space with a file of its own (fallocate) and gives it back. Below the
 * mark gRPC ingest answers RESOURCE_EXHAUSTED and C-STORE 0xA700 before writing anything, and the
 * server is not ready; above it again, both store and the server is ready.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(StoreLowWaterMarkTest.MarkBelowFreeSpace.class)
class StoreLowWaterMarkTest {

    private static final long GIB = 1L << 30;

    /** An instance store of its own, with the mark 2 GiB below its file system's free space. */
    public static class MarkBelowFreeSpace implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Path store = Files.createTempDirectory("glean-low-water-");
                long mark = Files.getFileStore(store).getUsableSpace() - 2 * GIB;
                return Map.of("glean.store.dir", store.toString(), "glean.health.min-free-space", Long.toString(mark));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "glean.health.min-free-space")
    MemorySize minFreeSpace;

    @Inject
    InstanceStore store;

    @Inject
    IngestService ingest;

    @Inject
    CStoreIngest scp;

    @TempDir
    Path dir;

    @Test
    void refusesInstancesBeforeWritingWhileFreeSpaceIsBelowTheMarkAndTakesThemOnceItIsBack() throws Exception {
        long mark = minFreeSpace.asLongValue();
        ManagedChannel channel = LoopbackChannels.open(port);
        try {
            assertThat(IngestCalls.ingest(channel, newInstance().file()).getInstanceCount()).isEqualTo(1);
            assertThat(HealthEndpoints.grpcStatus(port)).isEqualTo(ServingStatus.SERVING);

            // Beneath the mark by 1 GiB, whatever else the machine wrote or freed since the start.
            Path filler = dir.resolve("filler");
            long fill = store.usableSpace() - mark + GIB;
            DcmtkFiles.run(List.of("fallocate", "-l", Long.toString(fill), filler.toString()));
            try {
                Written refusedOverGrpc = newInstance();
                Written refusedOverDicom = newInstance();
                long filesBefore = filesIn(store.root());

                StatusRuntimeException refusal = catchThrowableOfType(StatusRuntimeException.class,
                        () -> IngestCalls.ingest(channel, refusedOverGrpc.file()));
                assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(refusal.getStatus().getDescription()).startsWith("instance_index 0: the instance store has ")
                        .contains("below glean.health.min-free-space (" + mark + " bytes)")
                        .contains("wrote nothing of this one; send it again once space is freed or added");

                DcmtkFiles.Result push = storescu(refusedOverDicom);
                assertThat(push.output()).contains("Received Store Response (Refused: OutOfResources)");

                assertThat(HealthEndpoints.grpcStatus(port)).isEqualTo(ServingStatus.NOT_SERVING);
                assertThat(filesIn(store.root())).as("files in the store and its upload folders").isEqualTo(filesBefore);
                assertThat(held(refusedOverGrpc)).isFalse();
                assertThat(held(refusedOverDicom)).isFalse();
            } finally {
                Files.delete(filler);
            }

            Written afterwards = newInstance();
            assertThat(IngestCalls.ingest(channel, afterwards.file()).getInstanceCount()).isEqualTo(1);
            assertThat(storescu(newInstance()).output()).contains("Received Store Response (Success)");
            assertThat(HealthEndpoints.grpcStatus(port)).isEqualTo(ServingStatus.SERVING);
        } finally {
            LoopbackChannels.close(channel);
        }
    }

    /** A DICOM file of one new study's only instance. */
    private record Written(String studyUid, Path file) {
    }

    private Written newInstance() {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64);
        return new Written(spec.studyUid(), DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE));
    }

    private DcmtkFiles.Result storescu(Written instance) {
        return DcmtkFiles.execute(List.of("storescu", "-v", "-nh", "-aet", "LOWWATER", "-aec", "GLEAN", "127.0.0.1",
                String.valueOf(scp.port().orElseThrow()), instance.file().toString()));
    }

    private boolean held(Written instance) {
        try {
            ingest.study(instance.studyUid());
            return true;
        } catch (StudyNotFoundException e) {
            return false;
        }
    }

    private static long filesIn(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
