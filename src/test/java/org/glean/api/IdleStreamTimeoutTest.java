package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyNotFoundException;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.OwnInstanceStoreTestResource;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IngestStudy calls whose client stops sending (glean.limits.idle-stream-timeout, 2 s here): the
 * call is answered DEADLINE_EXCEEDED saying why, the unfinished instance's upload is gone, the
 * caller's call slot is free again and the instances sent whole before the pause stay stored; a
 * client that sends slowly but steadily is not cut off.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(OwnInstanceStoreTestResource.class)
@TestProfile(IdleStreamTimeoutTest.TwoSecondIdleTimeout.class)
class IdleStreamTimeoutTest extends LoopbackGrpcTest {

    public static class TwoSecondIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("glean.limits.idle-stream-timeout", "2S");
        }
    }

    @Inject
    InstanceStore store;

    @Inject
    IngestService ingest;

    @Inject
    CallLimits limits;

    @TempDir
    Path dir;

    @Test
    void aClientSilentInTheMiddleOfAnInstanceIsCutOffAndItsUploadRemoved() throws Exception {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64);
        List<IngestChunk> chunks = IngestCalls.chunks(1024, DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE));
        Call call = new Call();

        call.requests.onNext(chunks.get(0));
        Status status = call.awaitFailure(Duration.ofSeconds(15));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).isEqualTo("no chunk arrived for 2 s while Glean waited for one "
                + "(glean.limits.idle-stream-timeout), so the call was ended: the unfinished instance_index 0 was "
                + "discarded; send the study again, without long pauses between chunks");
        awaitNoUploadsAndNoCalls();
        assertThatThrownBy(() -> ingest.study(spec.studyUid())).isInstanceOf(StudyNotFoundException.class);
    }

    @Test
    void instancesSentWholeBeforeThePauseStayStored() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        List<IngestChunk> chunks = IngestCalls.chunks(1 << 20,
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 1, 64), Syntax.EXPLICIT_LITTLE),
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 2, 64), Syntax.EXPLICIT_LITTLE));
        Call call = new Call();

        call.requests.onNext(chunks.get(0));
        Status status = call.awaitFailure(Duration.ofSeconds(15));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).contains("so the call was ended: the 1 instance(s) sent whole are stored; "
                + "send the study again");
        awaitNoUploadsAndNoCalls();
        assertThat(ingest.study(study).instanceCount()).isEqualTo(1);
    }

    @Test
    void aSlowButSteadyClientIsNotCutOff() throws Exception {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64);
        List<IngestChunk> chunks = IngestCalls.chunks(1024, DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE));
        assertThat(chunks.size()).as("chunks, sent over more than twice the idle timeout").isGreaterThan(5);
        Call call = new Call();

        for (IngestChunk chunk : chunks) {
            call.requests.onNext(chunk);
            Thread.sleep(800);
        }
        call.requests.onCompleted();

        assertThat(call.answer.get(30, TimeUnit.SECONDS).getInstanceCount()).isEqualTo(1);
    }

    // the server deletes the upload and frees the slot as it answers; the client may hear first
    private void awaitNoUploadsAndNoCalls() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (uploads() > 0 || limits.inProgress(TestTokens.TEST_ADMIN) > 0) {
            assertThat(System.nanoTime()).as("upload removed and call slot freed").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private long uploads() throws Exception {
        try (Stream<Path> files = Files.list(store.uploads())) {
            return files.count();
        }
    }

    /** An IngestStudy call the test sends chunks on by hand. */
    private final class Call {

        final CompletableFuture<StudyAnalysis> answer = new CompletableFuture<>();
        final StreamObserver<IngestChunk> requests = StudyIngestGrpc.newStub(channel)
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
                    }
                });

        Status awaitFailure(Duration patience) throws Exception {
            try {
                StudyAnalysis analysis = answer.get(patience.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("answered instead of failing: " + analysis);
            } catch (ExecutionException e) {
                return ((StatusRuntimeException) e.getCause()).getStatus();
            }
        }
    }
}
