package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.IngestService;
import org.glean.ingest.InstanceStore;
import org.glean.ingest.StudyNotFoundException;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server polling a real Orthanc over QIDO-RS and WADO-RS: it takes exactly the studies the
 * query matches, byte for byte, scores them, takes nothing twice, and rides out the PACS going
 * down in the middle of a pass.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(OrthancDicomWebTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SourcePollerTest {

    private static final String SOURCE = OrthancDicomWebTestResource.SOURCE;

    @Inject
    SourcePoller poller;

    @Inject
    SourceCheckpoints checkpoints;

    @Inject
    IngestService ingest;

    @Inject
    InstanceStore store;

    @Inject
    AnalysisRepository analyses;

    @TempDir
    static Path dir;

    // Across the ordered tests.
    private static PacsStudies studies;

    @BeforeAll
    static void studiesIn() {
        studies = new PacsStudies(dir);
    }

    @Test
    @Order(1)
    void aPassTakesExactlyTheMatchingStudiesByteForByteAndScoresThem() throws Exception {
        String ctStudy = loadStudy(2, 2, false);
        String otherCtStudy = loadStudy(1, 3, false);
        String secondaryCaptureStudy = loadStudy(1, 2, true);
        String thirdCtStudy = loadStudy(1, 1, false);

        SourcePass.Outcome outcome = poller.passNow(SOURCE, SourcePass.Progress.NONE);

        assertThat(outcome.taken()).isEqualTo(3);
        assertThat(outcome.matched()).isEqualTo(3);
        assertThat(outcome.instancesStored()).isEqualTo(8);
        assertThat(outcome.instancesRefused()).isZero();
        assertThat(checkpoints.taken(SOURCE)).containsExactlyInAnyOrder(ctStudy, otherCtStudy, thirdCtStudy);
        assertThatThrownBy(() -> ingest.study(secondaryCaptureStudy)).isInstanceOf(StudyNotFoundException.class);
        for (String study : List.of(ctStudy, otherCtStudy, thirdCtStudy)) {
            assertStoredAsSentAndScored(study);
        }
    }

    @Test
    @Order(2)
    void aSecondPassTakesNothingNewAndAFreshPassOverTheCheckpointNeither() throws Exception {
        SourcePass.Outcome again = poller.passNow(SOURCE, SourcePass.Progress.NONE);

        assertThat(again.taken()).isZero();
        assertThat(again.alreadyTaken()).isEqualTo(3);

        // After a restart only the checkpoint in PostgreSQL remains; a pass built from nothing else takes nothing.
        HttpDicomWebClient client = new HttpDicomWebClient(new DicomWebEndpoint(
                URI.create(OrthancDicomWebTestResource.orthanc.dicomWebUrl()), Optional.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(20)));
        StudyQuery ct = new StudyQuery(Optional.of("CT"), Optional.empty(), Optional.empty(), Optional.empty());
        SourcePass.Outcome afterRestart = SourcePass.overDicomWeb(client, ct, 0).run(checkpoints.taken(SOURCE),
                study -> {
                    throw new AssertionError("a study taken before was taken again");
                }, SourcePass.Progress.NONE);
        assertThat(afterRestart.alreadyTaken()).isEqualTo(3);
        assertThat(afterRestart.taken()).isZero();
    }

    @Test
    @Order(3)
    void thePacsGoingDownMidPassGivesBackoffAndLaterCompletionWithNothingLostOrTwice() throws Exception {
        List<String> newStudies = List.of(loadStudy(1, 2, false), loadStudy(2, 1, false), loadStudy(1, 3, false));

        assertThatThrownBy(() -> poller.passNow(SOURCE, (position, total, study, taken) -> {
            if (position == 1) {
                try {
                    OrthancDicomWebTestResource.stopOrthanc();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        })).isInstanceOf(DicomWebException.class).hasMessageContaining("cannot connect");

        assertThat(checkpoints.taken(SOURCE)).hasSize(4);
        SourceOutage.assertRetriedUntilBack(poller, SOURCE, OrthancDicomWebTestResource::startOrthancAgain);
        assertThat(checkpoints.taken(SOURCE)).containsAll(newStudies).hasSize(6);
        for (String study : newStudies) {
            assertStoredAsSentAndScored(study);
        }
    }

    private static String loadStudy(int seriesCount, int instancesPerSeries, boolean secondaryCapture)
            throws IOException, InterruptedException {
        return studies.load(OrthancDicomWebTestResource.orthanc, seriesCount, instancesPerSeries, secondaryCapture);
    }

    private void assertStoredAsSentAndScored(String study) throws Exception {
        studies.assertStoredAsSentAndScored(study, analyses, store);
    }
}
