package org.glean.server;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An instance store of its own (a fresh temporary folder) for the test classes that name this
 * resource. Quarkus starts a server per set of test resources, so these classes also get a
 * database of their own: the studies they store do not change what other classes count (say,
 * the objects of every stored study that {@code glean calibrate --stored} fits).
 */
public class OwnInstanceStoreTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            return Map.of("glean.store.dir", Files.createTempDirectory("glean-test-instances-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
