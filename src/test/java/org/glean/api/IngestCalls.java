package org.glean.api;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;

/** Makes IngestStudy calls the way a client does: instances cut into chunks, streamed, answer awaited. */
public final class IngestCalls {

    static final int MEBIBYTE = 1 << 20;

    private IngestCalls() {
    }

    /** Sends the files as one call, in 1 MiB chunks. */
    public static StudyAnalysis ingest(ManagedChannel channel, Path... files) {
        return send(channel, chunks(MEBIBYTE, files));
    }

    /** The chunks of the given files, instance_index counting from 0. */
    static List<IngestChunk> chunks(int chunkSize, Path... files) {
        List<byte[]> instances = new ArrayList<>();
        for (Path file : files) {
            try {
                instances.add(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return chunks(chunkSize, instances);
    }

    static List<IngestChunk> chunks(int chunkSize, List<byte[]> instances) {
        List<IngestChunk> chunks = new ArrayList<>();
        for (int index = 0; index < instances.size(); index++) {
            byte[] bytes = instances.get(index);
            int offset = 0;
            do {
                int length = Math.min(chunkSize, bytes.length - offset);
                chunks.add(IngestChunk.newBuilder()
                        .setInstanceIndex(index)
                        .setData(ByteString.copyFrom(bytes, offset, length))
                        .setLastChunk(offset + length == bytes.length)
                        .build());
                offset += length;
            } while (offset < bytes.length);
        }
        return chunks;
    }

    /** Streams the chunks as one call and returns the answer, or throws its error status. */
    static StudyAnalysis send(ManagedChannel channel, List<IngestChunk> chunks) {
        CompletableFuture<StudyAnalysis> answer = new CompletableFuture<>();
        StreamObserver<IngestChunk> requests = StudyIngestGrpc.newStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .ingestStudy(new StreamObserver<>() {
                    @Override
                    public void onNext(StudyAnalysis analysis) {
                        answer.complete(analysis);
                    }

                    @Override
                    public void onError(Throwable error) {
                        answer.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        answer.complete(null);
                    }
                });
        for (IngestChunk chunk : chunks) {
            if (answer.isDone()) {
                break;
            }
            requests.onNext(chunk);
        }
        requests.onCompleted();
        try {
            return answer.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw status;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
