package org.glean.api;

import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;

/**
 * Sends a server-streaming call's messages as fast as the client takes them: each waits until the
 * transport is ready for it, so that a slow client holds up the sender instead of filling the
 * server's memory. Made while the call's method runs, before it returns: it installs the call's
 * handlers. The sender completes or fails the call itself.
 */
final class ReadySender<T> {

    // The handlers wake a waiting sender at once where the transport's thread runs them. Quarkus
    // runs a @Blocking method's handlers on its worker, one after another and behind the method
    // itself, so none runs while the sender waits inside the method: it looks again this often.
    private static final long LOOK_AGAIN_MILLIS = 10;

    private final ServerCallStreamObserver<T> call;

    ReadySender(ServerCallStreamObserver<T> call) {
        this.call = call;
        call.setOnReadyHandler(this::wake);
        call.setOnCancelHandler(this::wake);
    }

    /** Sends {@code message} once the client is ready for it; IOException when the client cancelled. */
    synchronized void send(T message) throws IOException {
        try {
            while (!call.isReady() && !call.isCancelled()) {
                wait(LOOK_AGAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the client was not ready", e);
        }
        if (call.isCancelled()) {
            throw new IOException("the client cancelled the call");
        }
        call.onNext(message);
    }

    boolean isCancelled() {
        return call.isCancelled();
    }

    private synchronized void wake() {
        notifyAll();
    }
}
