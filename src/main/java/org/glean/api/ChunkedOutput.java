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

    private final ReadySender<T> sender;
    private final Function<ByteString, T> message;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int filled;

    /** Must be made while the call's method runs, before it returns: it installs the call's handlers. */
    ChunkedOutput(ServerCallStreamObserver<T> call, Function<ByteString, T> message) {
        this.sender = new ReadySender<>(call);
        this.message = message;
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

    private void send() throws IOException {
        sender.send(message.apply(ByteString.copyFrom(chunk, 0, filled)));
        filled = 0;
    }
}
