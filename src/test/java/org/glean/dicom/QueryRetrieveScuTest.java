package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.glean.bench.OrthancProcess;
import org.glean.ingest.DcmtkFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-FIND, C-MOVE and C-GET against a real Orthanc holding two CT studies and one MR study that
 * differ in date, description and the station of one series: each key of a source's query selects
 * exactly the studies it should, a move the PACS refuses comes back as its status, not as success,
 * and a C-GET brings each instance on the same association, a refused one making the PACS answer
 * B000. Against a peer that accepts and then stays silent every request ends with the request timeout.
 */
class QueryRetrieveScuTest {

    @TempDir
    static Path dir;

    private static OrthancProcess orthanc;
    private static QueryRetrieveScu pacs;
    private static String thorax;
    private static String abdomen;
    private static String head;
    // The data sets stored into Orthanc, after their file meta information.
    private static final List<byte[]> STORED_DATA_SETS = new ArrayList<>();

    @BeforeAll
    static void startOrthancWithThreeStudies() throws Exception {
        orthanc = OrthancProcess.startKnowing(dir.resolve("orthanc"),
                List.of(new OrthancProcess.Modality("GLEAN", "127.0.0.1", OrthancProcess.freePort())));
        orthanc.awaitReady(Duration.ofMinutes(1));
        thorax = store("CT", "20240115", "CT THORAX", "CT01", "CT02");
        abdomen = store("CT", "20240301", "CT ABDOMEN", "CT02");
        head = store("MR", "20240116", "MR HEAD", "MR01");
        pacs = new QueryRetrieveScu(new DimsePeer("127.0.0.1", orthanc.dicomPort(), OrthancProcess.AE_TITLE, "GLEAN",
                Duration.ofSeconds(2), Duration.ofSeconds(30)));
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
        QueryRetrieveScu.RetrieveOutcome outcome = pacs.moveStudy(thorax, "NOBODY");

        assertThat(outcome.performed()).isFalse();
        assertThat(outcome.completed()).isZero();
        assertThat(QueryRetrieveScu.explain(outcome, "NOBODY")).contains("move destination 'NOBODY'");
    }

    @Test
    void aGetBringsEveryInstanceOfTheStudyOnTheSameAssociationAsStored() throws Exception {
        List<byte[]> received = new ArrayList<>();

        QueryRetrieveScu.RetrieveOutcome outcome = pacs.getStudy(thorax, () -> collected(received, false));

        assertThat(outcome.status()).isZero();
        assertThat(outcome.performed()).isTrue();
        assertThat(outcome.partial()).isFalse();
        assertThat(outcome.completed()).isEqualTo(2);
        assertThat(received).hasSize(2);
        for (byte[] instance : received) {
            assertThat(STORED_DATA_SETS).anySatisfy(stored -> assertThat(dataSet(instance)).isEqualTo(stored));
        }
    }

    @Test
    void anInstanceTheReceiverRefusesMakesTheGetEndWithSubOperationsThatFailed() throws Exception {
        List<byte[]> received = new ArrayList<>();
        boolean[] first = {true};

        QueryRetrieveScu.RetrieveOutcome outcome = pacs.getStudy(thorax, () -> {
            boolean refuse = first[0];
            first[0] = false;
            return collected(received, refuse);
        });

        assertThat(outcome.status()).isEqualTo(0xB000);
        assertThat(outcome.performed()).isTrue();
        assertThat(outcome.partial()).isTrue();
        assertThat(outcome.completed()).isEqualTo(1);
        assertThat(outcome.failed()).isEqualTo(1);
        assertThat(received).hasSize(1);
    }

    @Test
    void aPeerSilentFromTheStartEndsEachRequestWithTheRequestTimeout() throws Exception {
        try (SilentPeer silent = SilentPeer.silentFromTheStart()) {
            QueryRetrieveScu scu = silentScu(silent);

            assertSilence(() -> scu.findStudies(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                    "did not answer the C-FIND association request within PT1S");
            assertSilence(() -> scu.moveStudy(thorax, "GLEAN"), "did not answer the C-MOVE association request");
            assertSilence(() -> scu.getStudy(thorax, () -> collected(new ArrayList<>(), false)),
                    "did not answer the C-GET association request");
        }
    }

    @Test
    void aPeerThatAcceptsTheAssociationAndNeverAnswersEndsEachRequestWithTheRequestTimeout() throws Exception {
        try (SilentPeer silent = SilentPeer.silentAfterAssociating()) {
            QueryRetrieveScu scu = silentScu(silent);

            assertSilence(() -> scu.findStudies(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                    "did not answer the C-FIND within PT1S (request-timeout)");
            assertSilence(() -> scu.moveStudy(thorax, "GLEAN"), "did not answer the C-MOVE within PT1S");
            assertSilence(() -> scu.getStudy(thorax, () -> collected(new ArrayList<>(), false)),
                    "did not answer the C-GET within PT1S");
        }
    }

    @Test
    void aPacsThatDoesNotListenIsACannotConnect() throws Exception {
        QueryRetrieveScu nobody = new QueryRetrieveScu(new DimsePeer("127.0.0.1", OrthancProcess.freePort(), "PACS",
                "GLEAN", Duration.ofSeconds(1), Duration.ofSeconds(1)));

        assertThatThrownBy(() -> nobody.findStudies(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty())).isInstanceOf(DimseException.class).hasMessageContaining("cannot connect to PACS@");
    }

    private static QueryRetrieveScu silentScu(SilentPeer silent) {
        return new QueryRetrieveScu(new DimsePeer("127.0.0.1", silent.port(), "SILENT", "GLEAN", Duration.ofSeconds(2),
                Duration.ofSeconds(1)));
    }

    private static void assertSilence(ThrowingCallable request, String message) {
        Instant start = Instant.now();
        assertThatThrownBy(request).isInstanceOf(DimseException.class).hasMessageContaining(message)
                .hasMessageContaining("SILENT@127.0.0.1");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    /** An instance arriving by C-GET, kept whole in memory; or refused, as Glean refuses a malformed one. */
    private static InstanceInMemory collected(List<byte[]> received, boolean refuse) {
        return new InstanceInMemory(bytes -> {
            if (refuse) {
                return CStoreOutcome.cannotUnderstand("refused by the test's receiver");
            }
            received.add(bytes);
            return CStoreOutcome.success();
        });
    }

    // The bytes after the Part-10 file meta information: what a PACS may not change.
    private static byte[] dataSet(byte[] part10) {
        // (0002,0000) UL group length: tag, "UL", 2-byte length, 4-byte value, at offset 132.
        int groupLength = ByteBuffer.wrap(part10, 140, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOfRange(part10, 144 + groupLength, part10.length);
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
            Path file = DcmtkFiles.dump2dcm(dir, dump, "instance-" + series + "-" + station, "+te");
            orthanc.store(file);
            STORED_DATA_SETS.add(dataSet(Files.readAllBytes(file)));
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
