package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/** A server that lets one caller have two calls in progress at once. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@TestProfile(CallLimitsTest.TwoCallsPerCaller.class)
class CallLimitsTest {

    private static final String PIPELINE = "busy-pipeline";

    public static class TwoCallsPerCaller implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("glean.limits.calls-per-caller", "2");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    CallLimits limits;

    @Inject
    AuditTrail trail;

    @Test
    void aCallBeyondTheCallersLimitIsRefusedWithAdviceWhileOtherCallersAndLaterCallsGoThrough() throws Exception {
        ManagedChannel pipeline = LoopbackChannels.open(port, TestTokens.as(PIPELINE, Role.INGEST));
        ManagedChannel other = LoopbackChannels.open(port, TestTokens.as("other-pipeline", Role.INGEST));
        try {
            List<StreamObserver<IngestChunk>> open = List.of(openIngest(pipeline), openIngest(pipeline));
            awaitInProgress(2);

            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> getStudy(pipeline));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(refused.getStatus().getDescription()).isEqualTo(PIPELINE + " has 2 calls in progress, the most "
                    + "one caller may (glean.limits.calls-per-caller); send this one again when one of them has "
                    + "finished, or send fewer at once");
            assertThat(codeOf(() -> getStudy(other))).as("another caller").isEqualTo(Status.Code.NOT_FOUND);

            open.get(0).onError(Status.CANCELLED.asRuntimeException());
            awaitInProgress(1);
            assertThat(codeOf(() -> getStudy(pipeline))).as("once a call has ended").isEqualTo(Status.Code.NOT_FOUND);
            open.get(1).onError(Status.CANCELLED.asRuntimeException());
            awaitInProgress(0);

            List<AuditRecord> rows = AuditRows.of(trail, PIPELINE);
            assertThat(rows).anySatisfy(row -> {
                assertThat(row.action()).isEqualTo(AuditAction.STUDY_READ.name());
                assertThat(row.outcome()).isEqualTo("RESOURCE_EXHAUSTED");
            });
        } finally {
            LoopbackChannels.close(pipeline);
            LoopbackChannels.close(other);
        }
    }

    private void awaitInProgress(int calls) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (limits.inProgress(PIPELINE) != calls && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(limits.inProgress(PIPELINE)).as("calls of %s in progress", PIPELINE).isEqualTo(calls);
    }

    private static StreamObserver<IngestChunk> openIngest(ManagedChannel channel) {
        return StudyIngestGrpc.newStub(channel).ingestStudy(new StreamObserver<>() {
            @Override
            public void onNext(StudyAnalysis value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    private static StudyAnalysis getStudy(ManagedChannel channel) {
        return StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid("1.2.3.4").build());
    }

    private static Status.Code codeOf(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        return e == null ? Status.Code.OK : e.getStatus().getCode();
    }
}
