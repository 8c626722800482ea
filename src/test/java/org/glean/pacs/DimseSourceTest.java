package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.glean.dicom.DimseException;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.InstanceStore;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server polling a real Orthanc over DIMSE: C-FIND finds exactly the matching studies, C-MOVE
 * has Orthanc send each to Glean's C-STORE SCP, where it is stored byte for byte and scored; no
 * study is taken twice, also by a pass built after a restart; a move Orthanc does not perform
 * leaves its study to be taken again; the PACS going down gives backoff and a later recovery, and
 * so does an instance Glean refuses, which ends Orthanc's move with a failure, once corrected.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(OrthancDimseTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DimseSourceTest {

    private static final String SOURCE = OrthancDimseTestResource.SOURCE;

    @Inject
    SourcePoller poller;

    @Inject
    SourceCheckpoints checkpoints;

    @Inject
    PacsConfig config;

    @Inject
    StudyRetrieval retrieval;

    @Inject
    AnalysisRepository analyses;

    @Inject
    InstanceStore store;

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
    void aPassFindsByCFindAndMovesEachMatchingMultiSeriesStudyToGleanWhereItIsStoredAndScored() throws Exception {
        // The poller's first pass starts with the server, over an empty Orthanc: let it end before loading.
        Instant deadline = Instant.now().plusSeconds(60);
        while (poller.status(SOURCE).lastPassEnded() == null && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(poller.status(SOURCE).lastPassEnded()).as("end of the start-up pass").isNotNull();
        String multiSeries = load(3, 2, false);
        String singleSeries = load(1, 3, false);
        String secondaryCapture = load(1, 2, true);
        List<String> progress = new ArrayList<>();

        SourcePass.Outcome outcome = poller.passNow(SOURCE, new SourcePass.Progress() {
            @Override
            public void found(int matched, int alreadyTaken) {
                progress.add("found " + matched + ", " + alreadyTaken + " taken before");
            }

            @Override
            public void taken(int position, int total, StudyMatch study, SourcePass.TakenStudy taken) {
                progress.add("of " + total + ": " + taken.stored() + " stored, " + taken.refused() + " refused");
            }
        });

        assertThat(outcome.matched()).isEqualTo(2);
        assertThat(outcome.taken()).isEqualTo(2);
        assertThat(outcome.instancesStored()).isEqualTo(9);
        assertThat(outcome.instancesRefused()).isZero();
        assertThat(progress.get(0)).isEqualTo("found 2, 0 taken before");
        assertThat(progress.subList(1, progress.size())).containsExactlyInAnyOrder("of 2: 6 stored, 0 refused",
                "of 2: 3 stored, 0 refused");
        assertThat(checkpoints.taken(SOURCE)).containsExactlyInAnyOrder(multiSeries, singleSeries)
                .doesNotContain(secondaryCapture);
        studies.assertStoredAsSentAndScored(multiSeries, analyses, store);
        studies.assertStoredAsSentAndScored(singleSeries, analyses, store);
    }

    @Test
    @Order(2)
    void aSecondPassAndAPassAfterARestartTakeNothingAgain() throws Exception {
        SourcePass.Outcome again = poller.passNow(SOURCE, SourcePass.Progress.NONE);

        assertThat(again.taken()).isZero();
        assertThat(again.alreadyTaken()).isEqualTo(2);

        // After a restart only the checkpoint in PostgreSQL remains; a pass built from nothing else takes nothing.
        DimseSource fresh = new DimseSource(SOURCE, config.sources().get(SOURCE),
                OrthancDimseTestResource.GLEAN_AE_TITLE, retrieval);
        SourcePass.Outcome afterRestart = new SourcePass(fresh).run(checkpoints.taken(SOURCE), study -> {
            throw new AssertionError("a study taken before was taken again");
        }, SourcePass.Progress.NONE);
        assertThat(afterRestart.alreadyTaken()).isEqualTo(2);
        assertThat(afterRestart.taken()).isZero();
    }

    @Test
    @Order(3)
    void aMoveThePacsDoesNotPerformFailsWithWhatToDoAndLeavesTheStudyToTheNextPass() throws Exception {
        String study = load(2, 1, false);
        DimseSource toUnknownDestination = new DimseSource(SOURCE, config.sources().get(SOURCE), "NOBODY",
                retrieval);
        StudyMatch match = toUnknownDestination.findStudies().stream()
                .filter(found -> found.studyInstanceUid().equals(study)).findFirst().orElseThrow();

        assertThatThrownBy(() -> toUnknownDestination.take(match)).isInstanceOf(DimseException.class)
                .hasMessageContaining("move destination 'NOBODY'")
                .hasMessageNotContaining(study);
        assertThat(checkpoints.taken(SOURCE)).doesNotContain(study);

        SourcePass.Outcome outcome = poller.passNow(SOURCE, SourcePass.Progress.NONE);
        assertThat(outcome.taken()).isEqualTo(1);
        assertThat(checkpoints.taken(SOURCE)).contains(study);
        studies.assertStoredAsSentAndScored(study, analyses, store);
    }

    @Test
    @Order(4)
    void thePacsGoingDownGivesBackoffAndTheStudyIsTakenOnceItIsBack() throws Exception {
        String study = load(1, 2, false);
        OrthancDimseTestResource.stopOrthanc();

        assertThatThrownBy(() -> poller.passNow(SOURCE, SourcePass.Progress.NONE))
                .isInstanceOf(DimseException.class).hasMessageContaining("cannot connect");
        SourceOutage.assertRetriedUntilBack(poller, SOURCE, OrthancDimseTestResource::startOrthancAgain);
        assertThat(checkpoints.taken(SOURCE)).contains(study).hasSize(4);
        studies.assertStoredAsSentAndScored(study, analyses, store);
    }

    @Test
    @Order(5)
    void anInstanceGleanRefusesFailsOrthancsMoveAndAPassAfterItIsCorrectedTakesTheStudy() throws Exception {
        String study = studies.loadWithOneFlawed(OrthancDimseTestResource.orthanc, 2, 2);

        // Orthanc 1.10 ends a C-MOVE at the first refused C-STORE, with C000 (not B000).
        assertThatThrownBy(() -> poller.passNow(SOURCE, SourcePass.Progress.NONE))
                .isInstanceOf(DimseException.class).hasMessageContaining("status 0xC000")
                .hasMessageNotContaining(study);
        assertThat(checkpoints.taken(SOURCE)).doesNotContain(study);

        SourceOutage.assertRetriedUntilBack(poller, SOURCE,
                () -> studies.correctFlawed(OrthancDimseTestResource.orthanc, study));
        assertThat(checkpoints.taken(SOURCE)).contains(study);
        studies.assertStoredAsSentAndScored(study, analyses, store);
    }

    private static String load(int seriesCount, int instancesPerSeries, boolean secondaryCapture) throws Exception {
        return studies.load(OrthancDimseTestResource.orthanc, seriesCount, instancesPerSeries, secondaryCapture);
    }
}
