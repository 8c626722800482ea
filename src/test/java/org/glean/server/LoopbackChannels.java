package org.glean.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.glean.security.BearerToken;
import org.glean.security.TestTokens;

/**
 * Plaintext gRPC channels to a test server on 127.0.0.1 (tests bind and dial loopback only)
 * whose calls carry a test admin's token, unless a stub sets its own credentials
 * ({@code stub.withCallCredentials(TestTokens.as(...))}).
 */
public final class LoopbackChannels {

    private LoopbackChannels() {
    }

    public static ManagedChannel open(int port) {
        return open(port, TestTokens.admin());
    }

    public static ManagedChannel open(int port, BearerToken defaultToken) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .intercept(defaultToken.onEveryCall())
                .build();
    }

    /** A channel without credentials, for calls that must be refused or need none. */
    public static ManagedChannel anonymous(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** Closes without waiting for calls in flight, then waits for the channel to terminate. */
    public static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
