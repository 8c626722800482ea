package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ExportAnnotationsRequest;
import org.glean.proto.v1.ExportedTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real gRPC server on loopback streaming 64 KiB messages to a client that takes one and then waits. */
class ReadySenderTest {

    private static final int MESSAGES = 10_000;
    private static final String PAYLOAD = "x".repeat(64 << 10);

    private final AtomicInteger sent = new AtomicInteger();
    private final CompletableFuture<String> senderEnded = new CompletableFuture<>();
    private final ExecutorService senders = Executors.newSingleThreadExecutor();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new CurationGrpc.CurationImplBase() {
                    @Override
                    public void exportAnnotations(ExportAnnotationsRequest request,
                                                  StreamObserver<ExportedTask> responses) {
                        ReadySender<ExportedTask> sender =
                                new ReadySender<>((ServerCallStreamObserver<ExportedTask>) responses);
                        senders.execute(() -> {
                            try {
                                for (int i = 0; i < MESSAGES; i++) {
                                    sender.send(ExportedTask.newBuilder().setTaskId(i).setModelVersion(PAYLOAD).build());
                                    sent.incrementAndGet();
                                }
                                responses.onCompleted();
                                senderEnded.complete("completed");
                            } catch (IOException e) {
                                senderEnded.complete(e.getMessage());
                            }
                        });
                    }
                }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        senders.shutdownNow();
    }

    @Test
    void aClientThatStopsTakingHoldsUpTheSenderAndItsCancelEndsIt() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        AtomicReference<ClientCallStreamObserver<ExportAnnotationsRequest>> call = new AtomicReference<>();
        CurationGrpc.newStub(channel).exportAnnotations(ExportAnnotationsRequest.getDefaultInstance(),
                new ClientResponseObserver<ExportAnnotationsRequest, ExportedTask>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ExportAnnotationsRequest> requests) {
                        call.set(requests);
                        requests.disableAutoInboundFlowControl(); // only the first message is asked for
                    }

                    @Override
                    public void onNext(ExportedTask task) {
                        first.countDown();
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1000);

        // what HTTP/2's windows hold (about a megabyte each way), not the 640 MB of all messages
        assertThat(sent.get()).isBetween(1, 100);
        assertThat(senderEnded).isNotDone();

        call.get().cancel("enough", null);
        assertThat(senderEnded.get(10, TimeUnit.SECONDS)).isEqualTo("the client cancelled the call");
        assertThat(sent.get()).isLessThan(MESSAGES);
    }
}
