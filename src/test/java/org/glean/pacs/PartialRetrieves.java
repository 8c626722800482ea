package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.glean.inference.AnalysisRepository;
import org.glean.ingest.InstanceStore;

/**
 * A study the PACS sends only in part, with a real Orthanc over DIMSE: one instance of it Glean
 * refuses, so the PACS's C-MOVE or C-GET ends with B000. The pass says so and goes on, the
 * instances that arrived are kept (and scored once quiet, as a push), the study is not remembered,
 * and once the PACS holds the instance corrected a later pass completes it and scores it whole.
 */
final class PartialRetrieves {

    private PartialRetrieves() {
    }

    static void assertKeptUnrememberedAndCompletedLater(SourcePoller poller, SourceCheckpoints checkpoints,
            AnalysisRepository analyses, InstanceStore store, PacsStudies studies) throws Exception {
        String source = OrthancDimseTestResource.SOURCE;
        String study = studies.loadWithOneFlawed(OrthancDimseTestResource.orthanc, 2, 2);
        List<String> progress = new ArrayList<>();

        SourcePass.Outcome partly = poller.passNow(source, new SourcePass.Progress() {
            @Override
            public void taken(int position, int total, StudyMatch match, SourcePass.TakenStudy taken) {
                progress.add(taken.whole() + ": " + taken.stored() + " stored, " + taken.missing() + " missing");
            }
        });

        assertThat(progress).containsExactly("false: 3 stored, 1 missing");
        assertThat(partly.taken()).isZero();
        assertThat(partly.partlyTaken()).isEqualTo(1);
        assertThat(poller.status(source).failing()).as("a study sent in part is no failure of the source").isFalse();
        assertThat(checkpoints.taken(source)).doesNotContain(study);
        assertThat(analyses.acceptedContent(study).keySet()).containsExactlyInAnyOrderElementsOf(
                studies.unflawed(study));
        PacsStudies.awaitScored(study, analyses, 3);

        studies.correctFlawed(OrthancDimseTestResource.orthanc, study);
        SourcePass.Outcome completed = poller.passNow(source, SourcePass.Progress.NONE);

        assertThat(completed.taken()).isEqualTo(1);
        assertThat(completed.partlyTaken()).isZero();
        assertThat(checkpoints.taken(source)).contains(study);
        // Scored again, whole: the analysis by the same model is replaced.
        studies.assertStoredAsSentAndScored(study, analyses, store);
    }
}
