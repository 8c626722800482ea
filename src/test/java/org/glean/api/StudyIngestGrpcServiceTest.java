package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.glean.api.IngestCalls.MEBIBYTE;
import static org.glean.api.IngestCalls.chunks;
import static org.glean.api.IngestCalls.ingest;
import static org.glean.api.IngestCalls.send;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.ImageAnalysis;
import org.glean.proto.v1.IngestChunk;
import org.glean.proto.v1.InstanceStatus;
import org.glean.proto.v1.ReceptionState;
import org.glean.proto.v1.SeriesAnalysis;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.Instance;
import org.glean.ingest.InstanceStore;
import org.glean.security.UidReference;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class StudyIngestGrpcServiceTest extends LoopbackGrpcTest {

    @Inject
    InstanceStore store;

    @TempDir
    Path dir;

    @Test
    void multiSeriesStudyInEverySupportedSyntaxIsStoredAndReportedFrameByFrame() throws Exception {
        String study = DcmtkFiles.newUid();
        String ctSeries = DcmtkFiles.newUid();
        String otSeries = DcmtkFiles.newUid();
        Path ct1 = DcmtkFiles.write(dir, Spec.ct(study, ctSeries, 2, 1, 64), Syntax.EXPLICIT_LITTLE);
        Path ct2 = DcmtkFiles.write(dir, Spec.ct(study, ctSeries, 2, 2, 64), Syntax.IMPLICIT_LITTLE);
        Path ct3 = DcmtkFiles.write(dir, Spec.ct(study, ctSeries, 2, 3, 64), Syntax.EXPLICIT_BIG);
        Path ct4 = DcmtkFiles.write(dir, Spec.ct(study, ctSeries, 2, 4, 64), Syntax.DEFLATED);
        Path ot1 = DcmtkFiles.write(dir, Spec.ct(study, otSeries, 1, 1, 32).withFrames(3), Syntax.JPEG_LOSSLESS);
        Path ot2 = DcmtkFiles.write(dir, Spec.ct(study, otSeries, 1, 2, 32).withFrames(2), Syntax.RLE);

        StudyAnalysis analysis = ingest(channel, ct3, ot2, ct1, ct4, ot1, ct2);

        assertThat(analysis.getStudyInstanceUid()).isEqualTo(study);
        assertThat(analysis.getInstanceCount()).isEqualTo(6);
        assertThat(analysis.getReception()).isEqualTo(ReceptionState.COMPLETE);
        assertThat(analysis.getSeriesList()).extracting(SeriesAnalysis::getSeriesInstanceUid)
                .containsExactly(otSeries, ctSeries);
        SeriesAnalysis ot = analysis.getSeries(0);
        assertThat(ot.getModality()).isEqualTo("OT");
        assertThat(ot.getSeriesNumber()).isEqualTo(1);
        assertThat(ot.getImagesList()).extracting(ImageAnalysis::getInstanceNumber, ImageAnalysis::getFrame)
                .containsExactly(pair(1, 1), pair(1, 2), pair(1, 3), pair(2, 1), pair(2, 2));
        assertThat(ot.getImagesList()).allSatisfy(image -> {
            assertThat(image.getStatus().getCode()).isEqualTo(InstanceStatus.Code.ACCEPTED);
            assertThat(image.getRows()).isEqualTo(32);
            assertThat(image.getColumns()).isEqualTo(32);
        });
        SeriesAnalysis ctAnalysis = analysis.getSeries(1);
        assertThat(ctAnalysis.getModality()).isEqualTo("CT");
        assertThat(ctAnalysis.getImagesList()).extracting(ImageAnalysis::getInstanceNumber).containsExactly(1, 2, 3, 4);
        assertThat(ctAnalysis.getImagesList()).allSatisfy(image -> {
            assertThat(image.getStatus().getCode()).isEqualTo(InstanceStatus.Code.ACCEPTED);
            assertThat(image.getFrame()).isEqualTo(1);
            assertThat(image.getRows()).isEqualTo(64);
        });
        for (Path sent : List.of(ct1, ct2, ct3, ct4, ot1, ot2)) {
            assertThat(Files.mismatch(store.pathOf(sha256(sent)), sent)).isEqualTo(-1);
        }
    }

    @Test
    void instanceLargerThanGrpcsDefaultMessageLimitArrivesInChunks() throws Exception {
        String study = DcmtkFiles.newUid();
        Path large = DcmtkFiles.write(dir, Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 1500), Syntax.EXPLICIT_LITTLE);
        assertThat(Files.size(large)).isGreaterThan(4L * MEBIBYTE);

        StudyAnalysis analysis = send(channel, chunks(MEBIBYTE, large));

        ImageAnalysis image = analysis.getSeries(0).getImages(0);
        assertThat(image.getStatus().getCode()).isEqualTo(InstanceStatus.Code.ACCEPTED);
        assertThat(image.getRows()).isEqualTo(1500);
        assertThat(image.getColumns()).isEqualTo(1500);
        assertThat(Files.mismatch(store.pathOf(sha256(large)), large)).isEqualTo(-1);
    }

    @Test
    void instanceInAnUnsupportedSyntaxIsStoredAndReportedRejectedNamingTheSyntax() throws Exception {
        String study = DcmtkFiles.newUid();
        Path jpegLs = DcmtkFiles.write(dir, Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 64), Syntax.JPEG_LS);

        StudyAnalysis analysis = ingest(channel, jpegLs);

        ImageAnalysis image = analysis.getSeries(0).getImages(0);
        assertThat(image.getStatus().getCode()).isEqualTo(InstanceStatus.Code.REJECTED);
        assertThat(image.getStatus().getReason()).contains(DcmtkFiles.JPEG_LS_LOSSLESS);
        assertThat(image.getFrame()).isZero();
        assertThat(store.pathOf(sha256(jpegLs))).exists();
    }

    @Test
    void getStudyAnswersWhatIngestStudyAnswered() {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        StudyAnalysis ingested = ingest(channel,
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 1, 32), Syntax.EXPLICIT_LITTLE),
                DcmtkFiles.write(dir, Spec.ct(study, series, 1, 2, 32), Syntax.JPEG_LS));

        StudyAnalysis fetched = getStudy(study);

        assertThat(fetched).isEqualTo(ingested);
    }

    @Test
    void getStudyOfAStudyNeverSentIsNotFound() {
        String uid = DcmtkFiles.newUid();
        assertThatThrownBy(() -> getStudy(uid))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).doesNotContain(uid);
                });
    }

    @Test
    void getStudyWithAMalformedUidIsInvalidArgument() {
        for (String uid : List.of("../../etc/passwd", "1.2.3.", "1." + "2".repeat(63), "")) {
            assertThatThrownBy(() -> getStudy(uid))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription())
                                .contains("the StudyInstanceUID asked for is not a valid UID");
                    });
        }
    }

    @Test
    void studySentTwiceIsStoredOnce() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        Path first = DcmtkFiles.write(dir, Spec.ct(study, series, 1, 1, 32), Syntax.EXPLICIT_LITTLE);
        Path second = DcmtkFiles.write(dir, Spec.ct(study, series, 1, 2, 32), Syntax.RLE);
        StudyAnalysis once = ingest(channel, first, second);
        long filesOnce = storedFiles();

        StudyAnalysis twice = ingest(channel, first, second, first);

        assertThat(twice).isEqualTo(once);
        assertThat(storedFiles()).isEqualTo(filesOnce);
        assertThat(instanceRows(study)).isEqualTo(2);
    }

    @Test
    void studySentInPartsEndsWhole() {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        Path[] instances = new Path[4];
        for (int i = 0; i < instances.length; i++) {
            instances[i] = DcmtkFiles.write(dir, Spec.ct(study, series, 1, i + 1, 32), Syntax.EXPLICIT_LITTLE);
        }

        StudyAnalysis firstPart = ingest(channel, instances[0], instances[1]);
        StudyAnalysis whole = ingest(channel, instances[1], instances[2], instances[3]);

        assertThat(firstPart.getInstanceCount()).isEqualTo(2);
        assertThat(whole.getInstanceCount()).isEqualTo(4);
        assertThat(whole.getSeries(0).getImagesList()).extracting(ImageAnalysis::getInstanceNumber)
                .containsExactly(1, 2, 3, 4);
        assertThat(getStudy(study)).isEqualTo(whole);
    }

    @Test
    void otherBytesUnderAStoredSopInstanceUidAreDiscardedAndTheFirstCopyKept() throws Exception {
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 32);
        Path original = DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE);
        Path reencoded = DcmtkFiles.write(dir, spec, Syntax.RLE);
        StudyAnalysis first = ingest(channel, original);

        StudyAnalysis again = ingest(channel, reencoded);

        assertThat(again).isEqualTo(first);
        assertThat(store.pathOf(sha256(original))).exists();
        assertThat(store.pathOf(sha256(reencoded))).doesNotExist();
    }

    @Test
    void callMixingStudiesIsRefusedAtTheFirstInstanceOfAnotherStudy() throws Exception {
        String study = DcmtkFiles.newUid();
        String otherStudy = DcmtkFiles.newUid();
        Path kept = DcmtkFiles.write(dir, Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 32), Syntax.EXPLICIT_LITTLE);
        Path intruder = DcmtkFiles.write(dir, Spec.ct(otherStudy, DcmtkFiles.newUid(), 1, 1, 32),
                Syntax.EXPLICIT_LITTLE);

        assertThatThrownBy(() -> ingest(channel, kept, intruder))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("instance_index 1:")
                            .contains(UidReference.of(study), UidReference.of(otherStudy))
                            .doesNotContain(study).doesNotContain(otherStudy);
                });
        assertThat(getStudy(study).getInstanceCount()).isEqualTo(1);
        assertThatThrownBy(() -> getStudy(otherStudy)).isInstanceOf(StatusRuntimeException.class);
        assertThat(store.pathOf(sha256(intruder))).doesNotExist();
    }

    @Test
    void instanceOverTheSizeLimitIsRefusedWhileItStreams() throws Exception {
        long filesBefore = storedFiles();
        byte[] sevenMebibytes = new byte[7 * MEBIBYTE];

        assertThatThrownBy(() -> send(channel, chunks(MEBIBYTE, List.of(sevenMebibytes))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription())
                            .startsWith("instance_index 0:").contains("glean.ingest.max-instance-size");
                });
        assertThat(storedFiles()).isEqualTo(filesBefore);
    }

    @Test
    void instanceThatWouldTakeTheStudyOverItsSizeLimitIsRefused() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        Path[] large = new Path[3];
        for (int i = 0; i < large.length; i++) {
            large[i] = DcmtkFiles.write(dir, Spec.ct(study, series, 1, i + 1, 1500), Syntax.EXPLICIT_LITTLE);
        }

        assertThatThrownBy(() -> ingest(channel, large))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription())
                            .startsWith("instance_index 2:").contains("glean.ingest.max-study-size");
                });
        assertThat(getStudy(study).getInstanceCount()).isEqualTo(2);
        assertThat(store.pathOf(sha256(large[2]))).doesNotExist();
    }

    @Test
    void chunksThatBreakTheContractAreRefused() {
        Path instance = DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 32),
                Syntax.EXPLICIT_LITTLE);
        List<IngestChunk> valid = chunks(1024, instance);
        IngestChunk first = valid.get(0);

        assertRefused(List.of(first.toBuilder().setInstanceIndex(1).build()),
                "a chunk of instance_index 1 arrived where instance_index 0 was due");
        assertRefused(valid.subList(0, valid.size() - 1),
                "instance_index 0: the stream ended before its chunk marked last_chunk");
        assertRefused(List.of(first, first.toBuilder().setInstanceIndex(1).build()),
                "instance_index 0 ended without a chunk marked last_chunk");
        assertRefused(List.of(), "the call carried no instance");
    }

    private void assertRefused(List<IngestChunk> chunks, String reason) {
        assertThatThrownBy(() -> send(channel, chunks))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(reason);
                });
    }

    private StudyAnalysis getStudy(String studyInstanceUid) {
        return StudyIngestGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getStudy(GetStudyRequest.newBuilder().setStudyInstanceUid(studyInstanceUid).build());
    }

    private long storedFiles() throws Exception {
        try (Stream<Path> files = Files.walk(store.root())) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static long instanceRows(String studyInstanceUid) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Instance.count("series.study.studyInstanceUid", studyInstanceUid));
    }

    private static Tuple pair(int instanceNumber, int frame) {
        return Tuple.tuple(instanceNumber, frame);
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
