package org.glean.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Function;

/** An instance received by a test's SCP, kept whole in memory; once complete, {@code completed} takes its bytes and answers. */
final class InstanceInMemory implements CStoreHandler.IncomingInstance {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Function<byte[], CStoreOutcome> completed;

    InstanceInMemory(Function<byte[], CStoreOutcome> completed) {
        this.completed = completed;
    }

    @Override
    public void append(ByteBuffer piece) {
        byte[] copy = new byte[piece.remaining()];
        piece.get(copy);
        bytes.writeBytes(copy);
    }

    @Override
    public CStoreOutcome complete() {
        return completed.apply(bytes.toByteArray());
    }

    @Override
    public void abort() {
        bytes.reset();
    }
}
