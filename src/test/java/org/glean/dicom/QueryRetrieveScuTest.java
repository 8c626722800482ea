package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.glean.bench.OrthancProcess;
import org.glean.ingest.DcmtkFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-FIND and C-MOVE against a real Orthanc holding two CT studies and one MR study that differ in
 * date, description and the station of one series: each key of a source's query selects exactly
 * the studies it should, and a move the PACS refuses comes back as its status, not as success.
 */
class QueryRetrieveScuTest {

    @TempDir
    static Path dir;

    private static OrthancProcess orthanc;
    private static QueryRetrieveScu pacs;
    private static String thorax;
    private static String abdomen;
    private static String head;

    @BeforeAll
    static void startOrthancWithThreeStudies() throws Exception {
        orthanc = OrthancProcess.startKnowing(dir.resolve("orthanc"),
                List.of(new OrthancProcess.Modality("GLEAN", "127.0.0.1", OrthancProcess.freePort())));
        orthanc.awaitReady(Duration.ofMinutes(1));
        thorax = store("CT", "20240115", "CT THORAX", "CT01", "CT02");
        abdomen = store("CT", "20240301", "CT ABDOMEN", "CT02");
        head = store("MR", "20240116", "MR HEAD", "MR01");
        pacs = new QueryRetrieveScu(new DimsePeer("127.0.0.1", orthanc.dicomPort(), OrthancProcess.AE_TITLE, "GLEAN",
                Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stopOrthanc() throws InterruptedException {
        orthanc.close();
    }

    @Test
    void eachKeySelectsExactlyTheMatchingStudiesWithTheirDateModalitiesAndInstanceCount() throws Exception {
        assertThat(uids(find(null, null, null, null))).containsExactlyInAnyOrder(thorax, abdomen, head);
        assertThat(uids(find("CT", null, null, null))).containsExactlyInAnyOrder(thorax, abdomen);
        assertThat(uids(find(null, "20240101-20240131", null, null))).containsExactlyInAnyOrder(thorax, head);
        assertThat(uids(find(null, null, "CT01", null))).containsExactly(thorax);
        assertThat(uids(find(null, null, "CT02", null))).containsExactlyInAnyOrder(thorax, abdomen);
        assertThat(uids(find("CT", null, null, "*THORAX*"))).containsExactly(thorax);
        QueryRetrieveScu.FoundStudy found = find(null, null, "CT01", null).get(0);
        assertThat(found.studyDate()).isEqualTo("20240115");
        assertThat(found.modalities()).containsExactly("CT");
        assertThat(found.instanceCount()).isEqualTo(2);
    }

    @Test
    void aMoveToADestinationThePacsDoesNotKnowIsAnsweredWithAFailureStatus() throws Exception {
        QueryRetrieveScu.MoveOutcome outcome = pacs.moveStudy(thorax, "NOBODY");

        assertThat(outcome.performed()).isFalse();
        assertThat(outcome.completed()).isZero();
        assertThat(QueryRetrieveScu.explain(outcome, "NOBODY")).contains("move destination 'NOBODY'");
    }

    @Test
    void aPacsThatDoesNotListenIsACannotConnect() throws Exception {
        QueryRetrieveScu nobody = new QueryRetrieveScu(new DimsePeer("127.0.0.1", OrthancProcess.freePort(), "PACS",
                "GLEAN", Duration.ofSeconds(1)));

        assertThatThrownBy(() -> nobody.findStudies(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty())).isInstanceOf(DimseException.class).hasMessageContaining("cannot connect to PACS@");
    }

    // One series per station, one instance each; returns the StudyInstanceUID.
    private static String store(String modality, String date, String description, String... stations)
            throws Exception {
        String study = DcmtkFiles.newUid();
        int series = 0;
        for (String station : stations) {
            series++;
            DcmtkFiles.Spec spec = new DcmtkFiles.Spec(study, DcmtkFiles.newUid(), DcmtkFiles.newUid(),
                    DcmtkFiles.CT_IMAGE_STORAGE, modality, series, 1, 16, 16, 1);
            Path pixels = DcmtkFiles.writePixels(dir, spec);
            String dump = "(0008,0020) DA [" + date + "]\n(0008,1010) SH [" + station + "]\n(0008,1030) LO ["
                    + description + "]\n" + DcmtkFiles.dump(spec, pixels);
            orthanc.store(DcmtkFiles.dump2dcm(dir, dump, "instance-" + series + "-" + station, "+te"));
        }
        return study;
    }

    private static List<QueryRetrieveScu.FoundStudy> find(String modality, String date, String station,
            String description) throws DimseException {
        return pacs.findStudies(Optional.ofNullable(modality), Optional.ofNullable(date), Optional.ofNullable(station),
                Optional.ofNullable(description));
    }

    private static List<String> uids(List<QueryRetrieveScu.FoundStudy> studies) {
        return studies.stream().map(QueryRetrieveScu.FoundStudy::studyInstanceUid).toList();
    }
}
