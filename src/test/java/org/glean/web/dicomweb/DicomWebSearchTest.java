package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DicomWebSearchTest extends DicomWebTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String viewer = TestTokens.token("dr-search", Role.ANNOTATOR);

    @Test
    void aStudyIsFoundByItsUidWithItsModalitiesAndCounts() throws Exception {
        HttpResponse<byte[]> response = calls.get("studies?StudyInstanceUID=" + study.studyUid(), viewer,
                "application/dicom+json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.contentType(response)).isEqualTo("application/dicom+json");
        JsonNode studies = JSON.readTree(response.body());
        assertThat(studies.size()).isEqualTo(1);
        JsonNode found = studies.get(0);
        assertThat(values(found, "0020000D")).containsExactly(study.studyUid());
        assertThat(values(found, "00080061")).containsExactly("CT", "OT");
        assertThat(values(found, "00201206")).containsExactly("3");
        assertThat(values(found, "00201208")).containsExactly("5");
        assertThat(response.headers().firstValue("Warning")).isEmpty();
    }

    @Test
    void studiesMatchOnUidListsAndModalityAndPageNewestFirst() throws Exception {
        String byTag = "studies?0020000D=" + study.studyUid() + ",1.2.3.999";
        assertThat(studyUids(calls.get(byTag, viewer, null))).containsExactly(study.studyUid());
        assertThat(studyUids(calls.get("studies?StudyInstanceUID=" + study.studyUid() + "&ModalitiesInStudy=OT",
                viewer, null))).containsExactly(study.studyUid());
        HttpResponse<byte[]> none = calls.get("studies?StudyInstanceUID=" + study.studyUid() + "&ModalitiesInStudy=MR",
                viewer, null);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(new String(none.body())).isEqualTo("[]");

        IngestedStudy newer = IngestedStudy.send(channel, sentFiles);
        assertThat(studyUids(calls.get("studies?limit=2", viewer, null))).startsWith(newer.studyUid(),
                study.studyUid());
        assertThat(studyUids(calls.get("studies?limit=1&offset=1", viewer, null))).containsExactly(study.studyUid());
    }

    @Test
    void attributesGleanDoesNotIndexAreNamedInAWarningNotMatched() throws Exception {
        HttpResponse<byte[]> response = calls.get("studies?StudyInstanceUID=" + study.studyUid()
                + "&StudyDate=20200101-20201231&PatientName=Doe*", viewer, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Warning")).hasValue(
                "299 glean \"The following attributes were not supported for matching: PatientName, StudyDate\"");
        assertThat(studyUids(response)).containsExactly(study.studyUid());
    }

    @Test
    void seriesOfAStudyWithModalityNumberAndInstanceCount() throws Exception {
        JsonNode series = JSON.readTree(calls.get("studies/" + study.studyUid() + "/series", viewer, null).body());

        assertThat(series.size()).isEqualTo(3);
        List<String> summary = new ArrayList<>();
        series.forEach(s -> summary.add(values(s, "0020000E").get(0) + " " + values(s, "00080060").get(0) + " "
                + values(s, "00200011").get(0) + " " + values(s, "00201209").get(0)));
        assertThat(summary).containsExactly(study.ctSeriesUid() + " CT 1 2", study.multiFrameSeriesUid() + " OT 2 2",
                study.jpegLsSeriesUid() + " CT 3 1");

        for (String match : List.of("Modality=OT", "SeriesNumber=2", "00200011=2&00080060=OT")) {
            JsonNode ot = JSON.readTree(calls.get("studies/" + study.studyUid() + "/series?" + match, viewer, null)
                    .body());
            assertThat(ot.size()).as(match).isEqualTo(1);
            assertThat(values(ot.get(0), "0020000E")).containsExactly(study.multiFrameSeriesUid());
        }
    }

    @Test
    void instancesOfASeriesWithSizeFramesAndStoredSyntax() throws Exception {
        String path = "studies/" + study.studyUid() + "/series/" + study.multiFrameSeriesUid() + "/instances";
        JsonNode instances = JSON.readTree(calls.get(path, viewer, null).body());

        assertThat(instances.size()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            IngestedStudy.Sent sent = i == 0 ? study.jpegLossless() : study.rle();
            JsonNode found = instances.get(i);
            assertThat(values(found, "00080018")).containsExactly(sent.sopUid());
            assertThat(values(found, "00080016")).containsExactly(sent.spec().sopClassUid());
            assertThat(values(found, "00083002")).containsExactly(sent.transferSyntaxUid());
            assertThat(values(found, "00200013")).containsExactly(String.valueOf(sent.spec().instanceNumber()));
            assertThat(values(found, "00280008")).containsExactly(String.valueOf(sent.spec().frames()));
            assertThat(values(found, "00280010")).containsExactly("32");
            assertThat(values(found, "00280011")).containsExactly("32");
        }
        JsonNode second = JSON.readTree(calls.get(path + "?InstanceNumber=2", viewer, null).body());
        assertThat(second.size()).isEqualTo(1);
        assertThat(values(second.get(0), "00080018")).containsExactly(study.rle().sopUid());
    }

    @Test
    void badPagingIs400UnknownStudy404OtherTypes406() {
        for (String paging : List.of("limit=0", "limit=1001", "limit=x", "offset=-1")) {
            assertThat(calls.get("studies?" + paging, viewer, null).statusCode()).as(paging).isEqualTo(400);
        }
        assertThat(calls.get("studies?StudyInstanceUID=x.1", viewer, null).statusCode()).isEqualTo(400);
        assertThat(calls.get("studies/" + study.studyUid() + "/series?SeriesNumber=two", viewer, null).statusCode())
                .isEqualTo(400);
        assertThat(calls.get("studies/1.2.3.999/series", viewer, null).statusCode()).isEqualTo(404);
        assertThat(calls.get("studies/" + study.studyUid() + "/series/1.2.3.999/instances", viewer, null).statusCode())
                .isEqualTo(404);
        assertThat(calls.get("studies", viewer, "application/dicom+xml").statusCode()).isEqualTo(406);
        assertThat(calls.get("studies", null, null).statusCode()).isEqualTo(401);
        assertThat(calls.get("studies", TestTokens.token("pipeline", Role.INGEST), null).statusCode()).isEqualTo(403);
    }

    private static List<String> studyUids(HttpResponse<byte[]> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> uids = new ArrayList<>();
        JSON.readTree(response.body()).forEach(found -> uids.add(values(found, "0020000D").get(0)));
        return uids;
    }

    private static List<String> values(JsonNode dataset, String tag) {
        List<String> values = new ArrayList<>();
        JsonNode value = dataset.get(tag).get("Value");
        if (value != null) {
            value.forEach(v -> values.add(v.asText()));
        }
        return values;
    }
}
