package org.glean.api;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;

/**
 * The client side of IngestStudy, for {@code glean send} and the benchmark: streams one study's
 * files in one call, in chunks of at most {@code chunkSize} bytes, waiting while the transport is
 * not ready so that memory holds one chunk however slow the server.
 */
public final class IngestStudyClient {

    private final StudyIngestGrpc.StudyIngestStub stub;
    private final int chunkSize;

    public IngestStudyClient(Channel channel, int chunkSize) {
        this.stub = StudyIngestGrpc.newStub(channel);
        this.chunkSize = chunkSize;
    }

    /**
     * Sends {@code files} (instance_index in list order) and returns the server's analysis.
     *
     * @throws io.grpc.StatusRuntimeException when the server refused the study or was unreachable
     */
    public StudyAnalysis send(List<Path> files) throws IOException, InterruptedException {
        Call call = new Call();
        stub.ingestStudy(call);
        for (int index = 0; index < files.size() && !call.isOver(); index++) {
            Path file = files.get(index);
            long size = Files.size(file);
            long sent = 0;
            try (InputStream in = Files.newInputStream(file)) {
                do {
                    // A fresh array per chunk, handed to protobuf without another copy.
                    byte[] piece = in.readNBytes((int) Math.min(chunkSize, size - sent));
                    sent += piece.length;
                    call.send(IngestChunk.newBuilder()
                            .setInstanceIndex(index)
                            .setData(UnsafeByteOperations.unsafeWrap(piece))
                            .setLastChunk(sent >= size || piece.length == 0)
                            .build());
                } while (sent < size && !call.isOver());
            }
        }
        return call.finish();
    }

    /** One IngestStudy call whose sender waits while the transport is not ready. */
    private static final class Call implements ClientResponseObserver<IngestChunk, StudyAnalysis> {

        private ClientCallStreamObserver<IngestChunk> requests;
        private StudyAnalysis analysis;
        private Throwable error;
        private boolean over;

        @Override
        public void beforeStart(ClientCallStreamObserver<IngestChunk> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(this::wakeSender);
        }

        synchronized void send(IngestChunk chunk) throws InterruptedException {
            while (!over && !requests.isReady()) {
                wait();
            }
            if (!over) {
                requests.onNext(chunk);
            }
        }

        synchronized boolean isOver() {
            return over;
        }

        synchronized StudyAnalysis finish() throws InterruptedException {
            if (!over) {
                requests.onCompleted();
            }
            while (!over) {
                wait();
            }
            if (error != null) {
                throw Status.fromThrowable(error).asRuntimeException();
            }
            return analysis;
        }

        private synchronized void wakeSender() {
            notifyAll();
        }

        @Override
        public synchronized void onNext(StudyAnalysis value) {
            analysis = value;
        }

        @Override
        public synchronized void onError(Throwable t) {
            error = t;
            over = true;
            notifyAll();
        }

        @Override
        public synchronized void onCompleted() {
            over = true;
            notifyAll();
        }
    }
}
