package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.curation.AnnotationTask.AnnotatedBox;
import org.glean.curation.CurationException;
import org.glean.curation.CurationFixtures;
import org.glean.curation.CurationService;
import org.glean.curation.ImageAnnotation;
import org.glean.curation.ScoredStudy;
import org.glean.curation.ScoredStudy.ScoredImage;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.ExportAnnotationsRequest;
import org.glean.proto.v1.ExportedTask;
import org.glean.security.Actor;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * The server's ExportAnnotations (PostgreSQL, the real service on the real gRPC server) to a client
 * that takes one task and then stops reading, with HTTP/2 windows of 64 KiB: the server must wait
 * for it, not read and send every task into memory.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ExportAnnotationsFlowControlTest {

    private static final int TASKS = 30;
    private static final int IMAGES = 20;
    private static final int BOXES = 40;
    private static final int WINDOW = 64 << 10;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    CurationService curation;

    @Inject
    DataSource dataSource;

    @Test
    void aClientThatStopsReadingHoldsTheExportUpUntilItReadsOn() throws Exception {
        CurationFixtures.clear(dataSource);
        curation.setPolicy(CurationFixtures.everything());
        submitLargeTasks();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .flowControlWindow(WINDOW)
                .intercept(TestTokens.as("curator", Role.CURATOR).onEveryCall())
                .build();
        ConcurrentLinkedQueue<ExportedTask> received = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        AtomicReference<ClientCallStreamObserver<ExportAnnotationsRequest>> call = new AtomicReference<>();
        try {
            CurationGrpc.newStub(channel).exportAnnotations(
                    ExportAnnotationsRequest.getDefaultInstance(),
                    new ClientResponseObserver<ExportAnnotationsRequest, ExportedTask>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<ExportAnnotationsRequest> requests) {
                            call.set(requests);
                            requests.disableAutoRequestWithInitial(1); // one task, then nothing until asked
                        }

                        @Override
                        public void onNext(ExportedTask task) {
                            received.add(task);
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(null);
                        }
                    });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(received).as("the first task").hasSize(1);
            int messageBytes = received.peek().getSerializedSize();
            Thread.sleep(2000);

            assertThat(ended).as("the export, while the client reads nothing").isNotDone();
            assertThat(exportWaitingForTheClient()).as("the server's export waits until the client is ready").isTrue();
            assertThat((long) TASKS * messageBytes).as("what the export sends in all, beyond what windows hold")
                    .isGreaterThan(8L * WINDOW);

            call.get().request(TASKS);
            ended.get(60, TimeUnit.SECONDS);
            assertThat(received).hasSize(TASKS);
            assertThat(received).extracting(ExportedTask::getImagesCount).containsOnly(IMAGES);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // Tasks of 20 frames with 40 boxes each: some 30 KB per exported task.
    private void submitLargeTasks() throws CurationException {
        Actor annotator = new Actor("flow-annotator", null);
        for (int t = 0; t < TASKS; t++) {
            List<ScoredImage> images = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                images.add(new ScoredImage(CurationFixtures.newUid(), 1, 512, 512, 0.5, List.of()));
            }
            curation.decide(new ScoredStudy(CurationFixtures.newUid(), CurationFixtures.MODEL, 0.5, images),
                    CurationFixtures.CLASSES);
            long taskId = curation.claimNext(annotator, null).orElseThrow().id();
            List<ImageAnnotation> annotations = new ArrayList<>();
            for (ScoredImage image : images) {
                List<AnnotatedBox> boxes = new ArrayList<>();
                for (int b = 0; b < BOXES; b++) {
                    boxes.add(new AnnotatedBox(CurationFixtures.CLASSES.get(b % 3), b, b, b + 100.5, b + 200.25));
                }
                annotations.add(new ImageAnnotation(image.sopInstanceUid(), 1, boxes));
            }
            curation.submit(taskId, annotator, annotations);
        }
    }

    // A thread of the server's that sends the export waits in ReadySender.send.
    private static boolean exportWaitingForTheClient() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getState() == Thread.State.TIMED_WAITING)
                .anyMatch(thread -> Arrays.stream(thread.getValue()).anyMatch(frame ->
                        frame.getClassName().equals(ReadySender.class.getName()) && frame.getMethodName().equals("send")));
    }
}
