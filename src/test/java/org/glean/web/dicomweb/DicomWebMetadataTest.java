package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.glean.dicom.PatientDataFixture;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.security.AuditAction;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DicomWebMetadataTest extends DicomWebTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AuditTrail trail;

    private final String viewer = TestTokens.token("dr-metadata", Role.ANNOTATOR);

    @Test
    void instanceMetadataCarriesWhatAViewerRendersWith() throws Exception {
        IngestedStudy.Sent instance = study.jpegLossless();

        HttpResponse<byte[]> response = calls.get(study.instancePath(instance) + "/metadata", viewer,
                "application/dicom+json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.contentType(response)).isEqualTo("application/dicom+json");
        JsonNode datasets = JSON.readTree(response.body());
        assertThat(datasets.size()).isEqualTo(1);
        JsonNode dataset = datasets.get(0);
        Spec spec = instance.spec();
        assertValue(dataset, "00080016", "UI", spec.sopClassUid());
        assertValue(dataset, "00080018", "UI", spec.sopUid());
        assertValue(dataset, "00080060", "CS", spec.modality());
        assertValue(dataset, "0020000D", "UI", spec.studyUid());
        assertValue(dataset, "0020000E", "UI", spec.seriesUid());
        assertNumber(dataset, "00200013", "IS", spec.instanceNumber());
        assertNumber(dataset, "00280002", "US", 1);
        assertValue(dataset, "00280004", "CS", "MONOCHROME2");
        assertNumber(dataset, "00280008", "IS", spec.frames());
        assertNumber(dataset, "00280010", "US", spec.rows());
        assertNumber(dataset, "00280011", "US", spec.columns());
        assertNumber(dataset, "00280100", "US", 16);
        assertNumber(dataset, "00280101", "US", 12);
        assertNumber(dataset, "00280102", "US", 11);
        assertNumber(dataset, "00280103", "US", 0);
        assertNumber(dataset, "00281052", "DS", -1024);
        assertNumber(dataset, "00281053", "DS", 1);
        assertThat(dataset.get("00100010").get("Value").get(0).get("Alphabetic").asText())
                .isEqualTo(PatientDataFixture.PATIENT_NAME);
        assertThat(dataset.has("7FE00010")).as("Pixel Data is left out").isFalse();
        assertThat(dataset.has("00020010")).as("File Meta Information is left out").isFalse();
    }

    @Test
    void seriesAndStudyMetadataHoldOneDatasetPerInstanceInOrder() throws Exception {
        JsonNode series = JSON.readTree(calls.get("studies/" + study.studyUid() + "/series/"
                + study.multiFrameSeriesUid() + "/metadata", viewer, null).body());
        assertThat(sopUids(series)).containsExactly(study.jpegLossless().sopUid(), study.rle().sopUid());

        HttpResponse<byte[]> response = calls.get("studies/" + study.studyUid() + "/metadata", viewer,
                "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sopUids(JSON.readTree(response.body()))).containsExactlyElementsOf(
                study.instances().stream().map(IngestedStudy.Sent::sopUid).toList());
    }

    @Test
    void metadataReadsAreAuditedOncePerRequest() {
        String reader = "dr-audit-" + System.nanoTime();
        String token = TestTokens.token(reader, Role.CURATOR);

        calls.get("studies/" + study.studyUid() + "/metadata", token, null);
        calls.get(study.instancePath(study.rle()) + "/metadata", token, null);

        assertThat(AuditRows.of(trail, reader)).extracting(row -> row.action(), row -> row.study(), row -> row.detail())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AuditAction.METADATA_READ.name(),
                                AuditRows.studyRef(study.studyUid()), "study metadata, 5 instance(s)"),
                        org.assertj.core.groups.Tuple.tuple(AuditAction.METADATA_READ.name(),
                                AuditRows.studyRef(study.studyUid()), "instance metadata, 1 instance(s)"));
    }

    @Test
    void otherMediaTypesAre406AndUnknownSeries404() {
        assertThat(calls.get("studies/" + study.studyUid() + "/metadata", viewer,
                "multipart/related; type=\"application/dicom+xml\"").statusCode()).isEqualTo(406);
        HttpResponse<byte[]> unknown = calls.get("studies/" + study.studyUid() + "/series/1.2.3/metadata", viewer, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new String(unknown.body())).isEqualTo("{\"error\":\"no such series\"}");
        assertThat(calls.get("studies/not-a-uid/metadata", viewer, null).statusCode()).isEqualTo(400);
    }

    private static List<String> sopUids(JsonNode datasets) {
        List<String> uids = new ArrayList<>();
        datasets.forEach(dataset -> uids.add(dataset.get("00080018").get("Value").get(0).asText()));
        return uids;
    }

    private static void assertValue(JsonNode dataset, String tag, String vr, String value) {
        assertThat(dataset.get(tag).get("vr").asText()).as(tag).isEqualTo(vr);
        assertThat(dataset.get(tag).get("Value").get(0).asText()).as(tag).isEqualTo(value);
    }

    private static void assertNumber(JsonNode dataset, String tag, String vr, double value) {
        assertThat(dataset.get(tag).get("vr").asText()).as(tag).isEqualTo(vr);
        JsonNode number = dataset.get(tag).get("Value").get(0);
        assertThat(number.isNumber()).as("%s is a JSON number", tag).isTrue();
        assertThat(number.asDouble()).as(tag).isEqualTo(value);
    }
}
