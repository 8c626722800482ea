package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.TinyModelTestResource;
import org.glean.ingest.CStoreIngest;
import org.glean.ingest.InstanceStore;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server polling a real Orthanc over DIMSE, retrieving by C-GET with its own C-STORE SCP off:
 * each matching study comes back on Glean's association, is stored byte for byte and scored. A
 * study with an instance Glean refuses ends with sub-operations that failed (B000): the pass says
 * so and goes on, the instances that arrived are kept (and scored once quiet, as a push), the
 * study is not remembered, and once the PACS holds the instance corrected a later pass completes
 * it and scores it whole.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(value = OrthancDimseTestResource.class, initArgs = @ResourceArg(name = "retrieve", value = "c-get"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DimseGetSourceTest {

    private static final String SOURCE = OrthancDimseTestResource.SOURCE;

    @Inject
    SourcePoller poller;

    @Inject
    SourceCheckpoints checkpoints;

    @Inject
    AnalysisRepository analyses;

    @Inject
    InstanceStore store;

    @Inject
    CStoreIngest scp;

    @TempDir
    static Path dir;

    private static PacsStudies studies;

    @BeforeAll
    static void studiesIn() {
        studies = new PacsStudies(dir);
    }

    @Test
    @Order(1)
    void aPassGetsEachMatchingStudyOnItsOwnAssociationWithTheScpOff() throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (poller.status(SOURCE).lastPassEnded() == null && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(poller.status(SOURCE).lastPassEnded()).as("end of the start-up pass").isNotNull();
        assertThat(scp.port()).as("Glean's C-STORE SCP").isEmpty();
        String multiSeries = load(3, 2);
        String singleSeries = load(1, 3);
        String secondaryCapture = studies.load(OrthancDimseTestResource.orthanc, 1, 2, true);

        SourcePass.Outcome outcome = poller.passNow(SOURCE, SourcePass.Progress.NONE);

        assertThat(outcome.matched()).isEqualTo(2);
        assertThat(outcome.taken()).isEqualTo(2);
        assertThat(outcome.partlyTaken()).isZero();
        assertThat(outcome.instancesStored()).isEqualTo(9);
        assertThat(checkpoints.taken(SOURCE)).containsExactlyInAnyOrder(multiSeries, singleSeries)
                .doesNotContain(secondaryCapture);
        studies.assertStoredAsSentAndScored(multiSeries, analyses, store);
        studies.assertStoredAsSentAndScored(singleSeries, analyses, store);
        assertThat(poller.sources().get(0).location()).startsWith("C-FIND/C-GET at ORTHANC@127.0.0.1:");
    }

    @Test
    @Order(2)
    void aStudySentInPartIsKeptButNotRememberedAndALaterPassCompletesIt() throws Exception {
        String study = studies.loadWithOneFlawed(OrthancDimseTestResource.orthanc, 2, 2);
        List<String> progress = new ArrayList<>();

        SourcePass.Outcome partly = poller.passNow(SOURCE, new SourcePass.Progress() {
            @Override
            public void taken(int position, int total, StudyMatch match, SourcePass.TakenStudy taken) {
                progress.add(taken.whole() + ": " + taken.stored() + " stored, " + taken.missing() + " missing");
            }
        });

        // Orthanc ends a C-GET whose receiver refused an instance with B000.
        assertThat(progress).containsExactly("false: 3 stored, 1 missing");
        assertThat(partly.taken()).isZero();
        assertThat(partly.partlyTaken()).isEqualTo(1);
        assertThat(poller.status(SOURCE).failing()).as("a study sent in part is no failure of the source").isFalse();
        assertThat(checkpoints.taken(SOURCE)).doesNotContain(study);
        assertThat(analyses.acceptedContent(study).keySet()).containsExactlyInAnyOrderElementsOf(
                studies.unflawed(study));
        // What arrived is completed after the quiet period, and scored, as a push that went quiet.
        PacsStudies.awaitScored(study, analyses, 3);

        studies.correctFlawed(OrthancDimseTestResource.orthanc, study);
        SourcePass.Outcome completed = poller.passNow(SOURCE, SourcePass.Progress.NONE);

        assertThat(completed.taken()).isEqualTo(1);
        assertThat(completed.partlyTaken()).isZero();
        assertThat(checkpoints.taken(SOURCE)).contains(study);
        // Scored again, whole: the analysis by the same model is replaced.
        studies.assertStoredAsSentAndScored(study, analyses, store);
    }

    private static String load(int seriesCount, int instancesPerSeries) throws Exception {
        return studies.load(OrthancDimseTestResource.orthanc, seriesCount, instancesPerSeries, false);
    }
}
