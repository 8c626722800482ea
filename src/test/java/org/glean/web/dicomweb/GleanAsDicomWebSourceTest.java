package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.glean.pacs.DicomWebEndpoint;
import org.glean.pacs.HttpDicomWebClient;
import org.glean.pacs.StudyMatch;
import org.glean.pacs.StudyQuery;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/** Glean's own DICOMweb client, the one that pulls from a PACS, finds and retrieves studies from Glean. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class GleanAsDicomWebSourceTest extends DicomWebTest {

    @Test
    void thePacsClientFindsAndRetrievesAStudyFromGlean() throws Exception {
        HttpDicomWebClient client = new HttpDicomWebClient(new DicomWebEndpoint(
                URI.create("http://127.0.0.1:" + port + "/dicomweb"),
                Optional.of("Bearer " + TestTokens.token("puller", Role.CURATOR)), Duration.ofSeconds(10),
                Duration.ofSeconds(60)));

        List<StudyMatch> matches = client.searchStudies(new StudyQuery(Optional.of("OT"), Optional.empty(),
                Optional.empty(), Optional.empty()), 0, 1000);
        assertThat(matches).filteredOn(match -> match.studyInstanceUid().equals(study.studyUid())).singleElement()
                .satisfies(match -> {
                    assertThat(match.modalities()).containsExactly("CT", "OT");
                    assertThat(match.instanceCount()).isEqualTo(study.instances().size());
                });

        List<byte[]> retrieved = new ArrayList<>();
        client.retrieveStudy(study.studyUid(), (index, bytes) -> retrieved.add(bytes.readAllBytes()));
        assertThat(retrieved).containsExactlyElementsOf(study.instances().stream().map(IngestedStudy.Sent::bytes)
                .toList());
    }
}
