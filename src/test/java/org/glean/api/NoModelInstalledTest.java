package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.api.IngestCalls.ingest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import org.glean.proto.v1.DetectRequest;
import org.glean.proto.v1.Frame;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server without any model still stores studies and says plainly why they carry no scores. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class NoModelInstalledTest extends LoopbackGrpcTest {

    @TempDir
    Path dir;

    @Test
    void ingestStoresTheStudyAndAnswersThatNoModelIsInstalled() {
        String study = DcmtkFiles.newUid();
        Path file = DcmtkFiles.write(dir, Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 64), Syntax.EXPLICIT_LITTLE);

        StudyAnalysis analysis = ingest(channel, file);
        StudyAnalysis fetched = StudyIngestGrpc.newBlockingStub(channel)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(study).build());

        assertThat(analysis.getInstanceCount()).isEqualTo(1);
        assertThat(analysis.getNotScoredReason()).startsWith("no model installed");
        assertThat(analysis.getModelVersion()).isEmpty();
        assertThat(fetched).isEqualTo(analysis);
    }

    @Test
    void inferenceServiceAnswersFailedPreconditionNoModelInstalled() {
        DetectRequest request = DetectRequest.newBuilder().addFrames(Frame.newBuilder().setRows(1).setColumns(1)
                .setModality("CT").addPixels(0f)).build();

        assertThatThrownBy(() -> InferenceGrpc.newBlockingStub(channel).detect(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).startsWith("no model installed");
                });
    }
}
