package org.glean.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Plaintext gRPC channels to a test server on 127.0.0.1 (tests bind and dial loopback only). */
public final class LoopbackChannels {

    private LoopbackChannels() {
    }

    public static ManagedChannel open(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** Closes without waiting for calls in flight, then waits for the channel to terminate. */
    public static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
