package org.glean.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.glean.ingest.InstanceStore;

/**
 * Readiness: the instance store ({@code glean.store.dir}) is a directory, a file can be created
 * in it (a real write, since permission bits say nothing for root or a read-only mount), and its
 * file system has at least {@code glean.health.min-free-space} usable. Its data are the store's
 * path and sizes, no patient data.
 */
@Readiness
@ApplicationScoped
public class InstanceStoreHealthCheck implements HealthCheck {

    static final String NAME = "instance-store";

    private final Supplier<Path> store;
    private final long minFreeBytes;

    /**
     * Asks the server's {@link InstanceStore} for its root, which prepares the store (creates its
     * folders) as the first ingest would, so that a server nobody sent anything to yet is ready.
     */
    @Inject
    public InstanceStoreHealthCheck(InstanceStore store, HealthConfig config) {
        this(store::root, config.minFreeSpace().asLongValue());
    }

    InstanceStoreHealthCheck(Path root, long minFreeBytes) {
        this(() -> root, minFreeBytes);
    }

    private InstanceStoreHealthCheck(Supplier<Path> store, long minFreeBytes) {
        this.store = store;
        this.minFreeBytes = minFreeBytes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("min-free-bytes", minFreeBytes);
        Path root;
        try {
            root = store.get().toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return response.down().withData("reason", e.getMessage()
                    + (e.getCause() == null ? "" : ": " + e.getCause()) + " (check glean.store.dir and its permissions)")
                    .build();
        }
        response.withData("dir", root.toString());
        if (!Files.isDirectory(root)) {
            return response.down().withData("reason", "the instance store " + root
                    + (Files.exists(root) ? " is not a directory" : " does not exist")
                    + ": create it or point glean.store.dir at the store").build();
        }
        try {
            Path probe = Files.createTempFile(root, ".health-", ".probe");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            return response.down().withData("reason", "cannot write to the instance store " + root + ": "
                    + e.getMessage() + " (give the server's user write access, or check that the volume "
                    + "is mounted read-write)").build();
        }
        long usable;
        try {
            usable = Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return response.down().withData("reason", "cannot read the free space of the instance store "
                    + root + ": " + e.getMessage()).build();
        }
        response.withData("free-bytes", usable);
        if (usable < minFreeBytes) {
            return response.down().withData("reason", "the instance store " + root + " has " + usable
                    + " bytes free, below glean.health.min-free-space (" + minFreeBytes
                    + " bytes): free or add space, or lower the setting").build();
        }
        return response.up().build();
    }
}
