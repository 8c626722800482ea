package org.glean.server;

import io.grpc.ManagedChannel;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test that calls the Quarkus test server over gRPC: a fresh loopback channel for every test. */
public abstract class LoopbackGrpcTest {

    /** The test server's HTTP port, which serves gRPC too. */
    @ConfigProperty(name = "quarkus.http.test-port")
    protected int port;

    protected ManagedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = LoopbackChannels.open(port);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        LoopbackChannels.close(channel);
    }
}
