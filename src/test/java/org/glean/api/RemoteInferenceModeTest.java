package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.api.IngestCalls.ingest;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.TagFromName;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.DetectRequest;
import org.glean.proto.v1.Frame;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.InferenceGrpc;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.detector.DetectorCheckpoint;
import org.glean.dicom.ConfidentialityProfile;
import org.glean.dicom.PatientDataFixture;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.inference.ActiveModel;
import org.glean.inference.LocalDetectionBackend;
import org.glean.inference.ModelFiles;
import org.glean.inference.ModelSupplier;
import org.glean.inference.TinyModel;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles;
import org.glean.server.LoopbackChannels;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in remote inference mode, without a model of its own, against a second instance on
 * 127.0.0.1: a plain gRPC server serving the Inference service with the tiny model.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@TestProfile(RemoteInferenceModeTest.RemoteMode.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteInferenceModeTest {

    /** Remote mode against a loopback port the test serves. */
    public static class RemoteMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "glean.inference.mode", "remote",
                    "glean.inference.remote.host", "127.0.0.1",
                    "glean.inference.remote.port", String.valueOf(freePort()),
                    "glean.inference.remote.deadline", "20s",
                    "glean.inference.remote.max-attempts", "2",
                    // the stand-in inference instance below is a bare loopback gRPC server, without TLS
                    "glean.inference.remote.plaintext", "true");
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "glean.inference.remote.port")
    int inferencePort;

    @TempDir
    Path dir;

    private ManagedChannel channel;
    private DetectorCheckpoint checkpoint;
    private Server inferenceInstance;
    private final List<DetectRequest> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startInferenceInstance() throws IOException {
        channel = LoopbackChannels.open(port);
        checkpoint = DetectorCheckpoint.load(TinyModel.modelDirectory());
        ActiveModel model = new ActiveModel(ModelFiles.of(TinyModel.modelDirectory(), "").versionId(),
                checkpoint.detector(), null);
        LocalDetectionBackend detector = new LocalDetectionBackend(ModelSupplier.fixed(model), 4,
                Double.parseDouble(TinyModel.OBJECT_THRESHOLD));
        inferenceInstance = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", inferencePort))
                .addService(ServerServiceDefinition.builder(InferenceGrpc.getServiceDescriptor())
                        .addMethod(recorded(new InferenceGrpcService(detector).bindService()
                                .getMethod(InferenceGrpc.getDetectMethod().getFullMethodName())))
                        .build())
                .maxInboundMessageSize(8 << 20)
                .build()
                .start();
    }

    // Keeps every request before the inference instance answers it.
    private <Q, R> ServerMethodDefinition<Q, R> recorded(ServerMethodDefinition<Q, R> method) {
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        return method.withServerCallHandler((call, headers) ->
                new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(handler.startCall(call, headers)) {
                    @Override
                    public void onMessage(Q message) {
                        received.add((DetectRequest) message);
                        super.onMessage(message);
                    }
                });
    }

    @AfterEach
    void stop() throws InterruptedException {
        LoopbackChannels.close(channel);
        inferenceInstance.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        checkpoint.close();
    }

    @Test
    void theRemoteInstanceScoresTheStudy() throws Exception {
        List<Path> files = TinyModel.studies().values().iterator().next();

        StudyAnalysis analysis = ingest(channel, files.toArray(Path[]::new));

        assertThat(analysis.getNotScoredReason()).isEmpty();
        assertThat(analysis.getModelVersion()).isEqualTo(ModelFiles.of(TinyModel.modelDirectory(), "").versionId());
        assertThat(analysis.getSeriesList().stream().flatMap(s -> s.getImagesList().stream())
                .mapToInt(image -> image.getObjectsCount()).sum()).isPositive();
        assertThat(analysis.getDrivenBy().getSopInstanceUid()).isNotEmpty();
    }

    @Test
    void theRemoteInstanceGetsPixelsAndOnlyMetadataTheConfidentialityProfileKeeps() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        String frameOfReference = DcmtkFiles.newUid();
        Spec spec = Spec.ct(study, series, 1, 1, 32);
        Path file = DcmtkFiles.writeIdentifiable(dir, spec, frameOfReference, DcmtkFiles.newUid());

        ingest(channel, file);

        // each field of a frame carries one DICOM attribute, and the profile keeps every one of them
        Map<String, AttributeTag> carried = Map.of("rows", TagFromName.Rows, "columns", TagFromName.Columns,
                "modality", TagFromName.Modality, "window_center", TagFromName.WindowCenter,
                "window_width", TagFromName.WindowWidth, "pixels", TagFromName.PixelData);
        assertThat(Frame.getDescriptor().getFields()).extracting(field -> field.getName())
                .containsExactlyInAnyOrderElementsOf(carried.keySet());
        carried.values().forEach(tag -> assertThat(ConfidentialityProfile.actionFor(tag,
                DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag)))
                .as(tag.toString()).isEqualTo(ConfidentialityProfile.Action.K));
        assertThat(DetectRequest.getDescriptor().getFields()).extracting(field -> field.getName())
                .containsExactly("frames");
        assertThat(received).singleElement().satisfies(request -> {
            String sent = request.toString();
            PatientDataFixture.values().forEach(value -> assertThat(sent).doesNotContain(value));
            List.of(study, series, spec.sopUid(), frameOfReference).forEach(uid -> assertThat(sent).doesNotContain(uid));
            assertThat(request.getFrames(0).getModality()).isEqualTo("CT");
        });
    }

    // Last: the server's channel to a backend that went down waits out a reconnect backoff.
    @Test
    @Order(Integer.MAX_VALUE)
    void aBackendThatIsDownMakesIngestStudyUnavailableWithTheReasonAndKeepsTheInstances() throws Exception {
        inferenceInstance.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        List<Path> files = TinyModel.studies().values().stream().skip(1).findFirst().orElseThrow();

        assertThatThrownBy(() -> ingest(channel, files.toArray(Path[]::new)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).contains("stored", "127.0.0.1:" + inferencePort,
                            "unavailable");
                });
        String studyUid = new PixelMedDicomReader().readHeader(files.get(0)).studyInstanceUid();
        StudyAnalysis stored = StudyIngestGrpc.newBlockingStub(channel)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(studyUid).build());
        assertThat(stored.getInstanceCount()).isEqualTo(files.size());
        assertThat(stored.getModelVersion()).isEmpty();
        assertThat(stored.getNotScoredReason()).isNotEmpty();
    }
}
