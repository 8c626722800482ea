package org.glean.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * Bytes written here leave as messages of a server-streaming call, {@value #CHUNK_BYTES} bytes each
 * (under the 4 MiB a gRPC client takes by default), each sent once the transport is ready for it,
 * so that a slow client holds up the writer instead of filling the server's memory. The call is
 * not completed here: the writer completes it, or fails it, once it has written everything.
 */
final class ChunkedOutput<T> extends OutputStream {

    static final int CHUNK_BYTES = 1 << 20;

    private final ServerCallStreamObserver<T> call;
    private final Function<ByteString, T> message;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int filled;

    /** Must be made while the call's method runs, before it returns: it installs the call's handlers. */
    ChunkedOutput(ServerCallStreamObserver<T> call, Function<ByteString, T> message) {
        this.call = call;
        this.message = message;
        call.setOnReadyHandler(this::wake);
        call.setOnCancelHandler(this::wake);
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == chunk.length) {
            send();
        }
        chunk[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (filled == chunk.length) {
                send();
            }
            int n = Math.min(length, chunk.length - filled);
            System.arraycopy(bytes, offset, chunk, filled, n);
            filled += n;
            offset += n;
            length -= n;
        }
    }

    /** Sends what is left. */
    @Override
    public void close() throws IOException {
        if (filled > 0) {
            send();
        }
    }

    private synchronized void send() throws IOException {
        try {
            while (!call.isReady() && !call.isCancelled()) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the client was not ready", e);
        }
        if (call.isCancelled()) {
            throw new IOException("the client cancelled the call");
        }
        call.onNext(message.apply(ByteString.copyFrom(chunk, 0, filled)));
        filled = 0;
    }

    private synchronized void wake() {
        notifyAll();
    }
}
