package org.glean.web;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import org.glean.inference.TinyModelTestResource;

/**
 * The server the workspace's tests run against: the tiny model scores what they send, so that
 * their studies are queued with the model's boxes; a test resource of their own gives them a
 * server, and a database, of their own.
 */
public class WorkspaceTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return new HashMap<>(new TinyModelTestResource().start());
    }

    @Override
    public void stop() {
    }
}
