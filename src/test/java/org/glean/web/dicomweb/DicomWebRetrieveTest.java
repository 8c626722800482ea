package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.List;
import org.glean.security.AuditAction;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DicomWebRetrieveTest extends DicomWebTest {

    @Inject
    AuditTrail trail;

    private final String viewer = TestTokens.token("dr-retrieve", Role.ANNOTATOR);

    @Test
    void aStudyComesBackAsTheFilesSentByteForByteEachInItsOwnSyntax() {
        HttpResponse<byte[]> response = calls.get("studies/" + study.studyUid(), viewer,
                "multipart/related; type=\"application/dicom\"; transfer-syntax=*");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.contentType(response))
                .matches("multipart/related; type=\"application/dicom\"; boundary=[0-9a-f-]+");
        List<MultipartBody.Part> parts = MultipartBody.parse(DicomWebCalls.contentType(response), response.body())
                .parts();
        assertThat(parts).hasSize(study.instances().size());
        for (int i = 0; i < parts.size(); i++) {
            IngestedStudy.Sent sent = study.instances().get(i);
            assertThat(parts.get(i).contentType()).isEqualTo("application/dicom; transfer-syntax="
                    + sent.transferSyntaxUid());
            assertThat(parts.get(i).body()).as(sent.syntax().name()).isEqualTo(sent.bytes());
        }
    }

    @Test
    void aSeriesComesBackAsItsFiles() {
        HttpResponse<byte[]> response = calls.get("studies/" + study.studyUid() + "/series/"
                + study.multiFrameSeriesUid(), viewer, "multipart/related; type=application/dicom");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(MultipartBody.parse(DicomWebCalls.contentType(response), response.body()).parts())
                .extracting(MultipartBody.Part::body)
                .containsExactly(study.jpegLossless().bytes(), study.rle().bytes());
    }

    @Test
    void anInstanceComesBackInMultipartOrAlone() {
        IngestedStudy.Sent instance = study.jpegLs();
        HttpResponse<byte[]> multipart = calls.get(study.instancePath(instance), viewer, null);
        assertThat(multipart.statusCode()).isEqualTo(200);
        assertThat(MultipartBody.parse(DicomWebCalls.contentType(multipart), multipart.body()).parts())
                .singleElement().satisfies(part -> assertThat(part.body()).isEqualTo(instance.bytes()));

        HttpResponse<byte[]> alone = calls.get(study.instancePath(instance), viewer, "application/dicom");
        assertThat(alone.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.contentType(alone)).isEqualTo("application/dicom; transfer-syntax="
                + instance.transferSyntaxUid());
        assertThat(alone.body()).isEqualTo(instance.bytes());
    }

    @Test
    void aTransferSyntaxOtherThanTheStoredOneIs406() {
        String explicitLittle = "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1";
        assertThat(calls.get("studies/" + study.studyUid(), viewer, explicitLittle).statusCode()).isEqualTo(406);
        assertThat(calls.get(study.instancePath(study.explicitLittle()), viewer, explicitLittle).statusCode())
                .isEqualTo(200);
        assertThat(calls.get("studies/" + study.studyUid(), viewer, "application/zip").statusCode()).isEqualTo(406);
    }

    @Test
    void eachRetrievalIsAudited() {
        String reader = "dr-retrieve-audit-" + System.nanoTime();
        String token = TestTokens.token(reader, Role.ADMIN);

        calls.get("studies/" + study.studyUid() + "/series/" + study.multiFrameSeriesUid(), token, null);

        long bytes = study.jpegLossless().bytes().length + study.rle().bytes().length;
        assertThat(AuditRows.of(trail, reader)).singleElement().satisfies(row -> {
            assertThat(row.action()).isEqualTo(AuditAction.INSTANCES_RETRIEVED.name());
            assertThat(row.study()).isEqualTo(AuditRows.studyRef(study.studyUid()));
            assertThat(row.detail()).isEqualTo("series, 2 instance(s), " + bytes + " bytes");
        });
    }
}
