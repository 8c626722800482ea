package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.IntStream;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomReader;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DicomWebFramesTest extends DicomWebTest {

    private static final String NATIVE_PART = "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1";
    private static final String FRAMES_ACCEPT = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";

    @Inject
    DicomReader reader;

    @Inject
    AuditTrail trail;

    private final String viewer = TestTokens.token("dr-frames", Role.ANNOTATOR);

    @Test
    void everyFrameOfEverySyntaxIsItsStoredValuesUncompressedBitForBit() throws Exception {
        for (IngestedStudy.Sent instance : List.of(study.explicitLittle(), study.bigEndian(), study.jpegLossless(),
                study.rle())) {
            int frames = instance.spec().frames();
            String list = String.join(",", IntStream.rangeClosed(1, frames).mapToObj(String::valueOf)
                    .toList());
            HttpResponse<byte[]> response = calls.get(study.instancePath(instance) + "/frames/" + list, viewer,
                    FRAMES_ACCEPT);

            assertThat(response.statusCode()).as(instance.syntax().name()).isEqualTo(200);
            assertThat(DicomWebCalls.contentType(response))
                    .matches("multipart/related; type=\"application/octet-stream\"; boundary=[0-9a-f-]+");
            MultipartBody body = MultipartBody.parse(DicomWebCalls.contentType(response), response.body());
            assertThat(body.parts()).hasSize(frames);
            DecodedImage decoded = reader.decode(instance.file());
            for (int frame = 1; frame <= frames; frame++) {
                MultipartBody.Part part = body.parts().get(frame - 1);
                assertThat(part.contentType()).isEqualTo(NATIVE_PART);
                assertThat(part.body()).as("%s frame %d", instance.syntax(), frame).isEqualTo(instance.storedFrame(frame));
                assertThat(modalityValues(part.body())).as("Glean's decoder, %s frame %d", instance.syntax(), frame)
                        .isEqualTo(decoded.frames().get(frame - 1));
            }
        }
    }

    @Test
    void aFrameListAnswersTheFramesInTheOrderAsked() {
        IngestedStudy.Sent instance = study.jpegLossless();

        HttpResponse<byte[]> response = calls.get(study.instancePath(instance) + "/frames/3,1", viewer, null);

        assertThat(response.statusCode()).isEqualTo(200);
        List<MultipartBody.Part> parts = MultipartBody.parse(DicomWebCalls.contentType(response), response.body()).parts();
        assertThat(parts).extracting(MultipartBody.Part::body)
                .containsExactly(instance.storedFrame(3), instance.storedFrame(1));
    }

    @Test
    void badFrameListsAre400AndFramesBeyondTheInstance404() {
        String path = study.instancePath(study.rle()) + "/frames/";
        for (String list : List.of("0", "a", "1,,2", "-1", "1.5", "9999999999")) {
            HttpResponse<byte[]> response = calls.get(path + list, viewer, null);
            assertThat(response.statusCode()).as(list).isEqualTo(400);
            assertThat(new String(response.body())).contains("frame numbers from 1");
        }
        assertThat(calls.get(path + "1,2,1", viewer, null).statusCode()).as("more frames than the instance has")
                .isEqualTo(400);
        HttpResponse<byte[]> beyond = calls.get(path + "1,3", viewer, null);
        assertThat(beyond.statusCode()).isEqualTo(404);
        assertThat(new String(beyond.body())).isEqualTo("{\"error\":\"no such frame: the instance has 2 frame(s),"
                + " numbered from 1\"}");
    }

    @Test
    void unknownStudySeriesOrInstanceIs404WithoutEchoingTheUid() {
        IngestedStudy.Sent instance = study.explicitLittle();
        String unknown = "1.2.3.4.5.6.7";
        for (String path : List.of(
                "studies/" + unknown + "/series/" + instance.spec().seriesUid() + "/instances/" + instance.sopUid(),
                "studies/" + study.studyUid() + "/series/" + unknown + "/instances/" + instance.sopUid(),
                "studies/" + study.studyUid() + "/series/" + study.multiFrameSeriesUid() + "/instances/"
                        + instance.sopUid(),
                "studies/" + study.studyUid() + "/series/" + instance.spec().seriesUid() + "/instances/" + unknown)) {
            HttpResponse<byte[]> response = calls.get(path + "/frames/1", viewer, null);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(response.body())).isEqualTo("{\"error\":\"no such instance\"}");
        }
    }

    @Test
    void mediaTypesGleanCannotProduceAre406() {
        String path = study.instancePath(study.explicitLittle()) + "/frames/1";
        for (String accept : List.of("image/jls", "multipart/related; type=\"image/jls\"",
                "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.4.80",
                "application/dicom+json", "multipart/related; q=0")) {
            assertThat(calls.get(path, viewer, accept).statusCode()).as(accept).isEqualTo(406);
        }
        for (String accept : List.of("*/*", "multipart/related", "multipart/*",
                "image/jls, multipart/related; type=application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1")) {
            assertThat(calls.get(path, viewer, accept).statusCode()).as(accept).isEqualTo(200);
        }
    }

    @Test
    void framesOfAnInstanceGleanCannotDecodeAre406() {
        HttpResponse<byte[]> response = calls.get(study.instancePath(study.jpegLs()) + "/frames/1", viewer, null);

        assertThat(response.statusCode()).isEqualTo(406);
        assertThat(new String(response.body())).contains("retrieve the instance instead");
    }

    @Test
    void scrollingThroughAStudyWritesOneAuditRowPerCallerAndStudy() {
        String scroller = "dr-scroll-" + System.nanoTime();
        String token = TestTokens.token(scroller, Role.CURATOR);
        for (IngestedStudy.Sent instance : List.of(study.explicitLittle(), study.bigEndian(), study.rle())) {
            for (int repeat = 0; repeat < 3; repeat++) {
                assertThat(calls.get(study.instancePath(instance) + "/frames/1", token, null).statusCode())
                        .isEqualTo(200);
            }
        }

        List<AuditRecord> rows = AuditRows.of(trail, scroller);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.action()).isEqualTo(AuditAction.FRAMES_READ.name());
            assertThat(row.outcome()).isEqualTo("OK");
            assertThat(row.study()).isEqualTo(AuditRows.studyRef(study.studyUid()));
            assertThat(row.peer()).startsWith("127.0.0.1:");
        });
    }

    /** Stored values (12 bits, unsigned) through the instances' rescale: slope 1, intercept −1024. */
    private static float[] modalityValues(byte[] frame) {
        ByteBuffer cells = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[frame.length / 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = (cells.getShort() & 0xFFFF) - 1024f;
        }
        return values;
    }
}
