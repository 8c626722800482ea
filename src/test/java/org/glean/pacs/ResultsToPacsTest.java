package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.glean.api.IngestCalls;
import org.glean.bench.OrthancProcess;
import org.glean.curation.AnnotationTask;
import org.glean.curation.CurationService;
import org.glean.curation.ImageAnnotation;
import org.glean.dicom.DicomTools;
import org.glean.dicom.ResultDocuments;
import org.glean.inference.AnalysisRepository;
import org.glean.inference.StudyScores;
import org.glean.inference.TinyModel;
import org.glean.inference.TinyModelTestResource;
import org.glean.proto.v1.CurationDecision;
import org.glean.proto.v1.StudyAnalysis;
import org.glean.security.Actor;
import org.glean.server.LoopbackGrpcTest;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results going back to two real Orthanc: a study ingested and scored through IngestStudy arrives
 * in both, by STOW-RS and by C-STORE, as a valid SR whose boxes and references are the stored
 * analysis and a KOS of the frames queued for annotation; a submitted annotation arrives as an SR;
 * a destination that is down keeps its documents in the outbox, counted, until it is back, and a
 * delivery cut off between sending and marking is sent again without a duplicate; documents lost
 * between the commit and the outbox are written again, once, by the catch-up.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TinyModelTestResource.class)
@WithTestResource(OrthancDestinationsTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResultsToPacsTest extends LoopbackGrpcTest {

    private static final String STOW = OrthancDestinationsTestResource.STOW;
    private static final String DIMSE = OrthancDestinationsTestResource.DIMSE;
    private static final String COMPREHENSIVE_SR = ResultDocuments.COMPREHENSIVE_SR;
    private static final String KEY_OBJECT_SELECTION = ResultDocuments.KEY_OBJECT_SELECTION;
    private static String firstStudy;

    @Inject
    Outbox outbox;

    @Inject
    OutboxCatchUp catchUp;

    @Inject
    AnalysisRepository analyses;

    @Inject
    CurationService curation;

    @Inject
    DataSource dataSource;

    @TempDir
    Path dir;

    @Test
    @Order(1)
    void aScoredStudyArrivesInBothPacsAsAValidSrOfItsAnalysisAndAKosOfItsQueuedFrames() throws Exception {
        StudyAnalysis analysis = IngestCalls.ingest(channel, study(0).toArray(Path[]::new));
        firstStudy = analysis.getStudyInstanceUid();
        assertThat(analysis.getDecision().getOutcome()).isEqualTo(CurationDecision.Outcome.QUEUED);

        awaitDelivered(firstStudy, 4);

        StudyScores stored = analyses.latest(firstStudy).orElseThrow();
        List<Box> expected = stored.images().stream().flatMap(image -> image.objects().stream()
                .map(object -> new Box(image.sopInstanceUid(), (float) object.box().xmin(),
                        (float) object.box().ymin(), (float) object.box().xmax(), (float) object.box().ymax())))
                .toList();
        assertThat(expected).isNotEmpty();
        for (OrthancProcess orthanc : List.of(OrthancDestinationsTestResource.stowOrthanc,
                OrthancDestinationsTestResource.dimseOrthanc)) {
            AttributeList report = single(orthanc, firstStudy, COMPREHENSIVE_SR);
            assertThat(DicomTools.errors(write(report))).isEmpty();
            assertThat(boxes(report)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(new StructuredReport(report).toString()).contains(stored.modelVersion());
            AttributeList selection = single(orthanc, firstStudy, KEY_OBJECT_SELECTION);
            assertThat(DicomTools.errors(write(selection))).isEmpty();
            assertThat(referencedImages(selection)).startsWith(stored.drivenBy().sopInstanceUid())
                    .containsExactlyInAnyOrderElementsOf(stored.images().stream()
                            .filter(image -> !image.objects().isEmpty()).map(StudyScores.ImageScores::sopInstanceUid)
                            .distinct().toList());
        }
    }

    @Test
    @Order(2)
    void aSubmittedAnnotationArrivesAsAnSrOfTheAnnotatorsBoxes() throws Exception {
        Actor alice = new Actor("alice", null);
        AnnotationTask task = curation.claimNext(alice, null).orElseThrow();
        assertThat(task.studyInstanceUid()).isEqualTo(firstStudy);
        AnnotationTask.Image image = task.images().get(0);

        curation.submit(task.id(), alice, List.of(new ImageAnnotation(image.sopInstanceUid(), image.frame(),
                List.of(new AnnotationTask.AnnotatedBox(task.classNames().get(0), 2, 3, 20, 30)))));

        awaitDelivered(firstStudy, 6);
        for (OrthancProcess orthanc : List.of(OrthancDestinationsTestResource.stowOrthanc,
                OrthancDestinationsTestResource.dimseOrthanc)) {
            List<AttributeList> reports = documents(orthanc, firstStudy, COMPREHENSIVE_SR);
            assertThat(reports).hasSize(2);
            AttributeList annotation = null;
            for (AttributeList report : reports) {
                if (new StructuredReport(report).toString().contains("Person Observer Name")) {
                    annotation = report;
                }
            }
            assertThat(annotation).as("the annotation's SR").isNotNull();
            assertThat(DicomTools.errors(write(annotation))).isEmpty();
            assertThat(new StructuredReport(annotation).toString()).contains("alice");
            assertThat(boxes(annotation)).containsExactly(new Box(image.sopInstanceUid(), 2, 3, 20, 30));
        }
    }

    @Test
    @Order(3)
    void aPacsThatIsDownKeepsItsDocumentsCountedAndGetsThemOnceWhenBackEvenAfterACutOffDelivery()
            throws Exception {
        OrthancDestinationsTestResource.stopStowOrthanc();
        String study = IngestCalls.ingest(channel, study(1).toArray(Path[]::new)).getStudyInstanceUid();

        Instant deadline = Instant.now().plusSeconds(60);
        while (!stowFailedAtLeastTwice(study) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        List<Outbox.Entry> waiting = entries(study, STOW);
        assertThat(waiting).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.state()).isEqualTo(Outbox.State.RETRYING);
            assertThat(entry.lastError()).contains("cannot connect").doesNotContain(study);
        });
        assertThat(waiting).anySatisfy(entry -> assertThat(entry.attempts()).isGreaterThanOrEqualTo(2));
        assertThat(entries(study, DIMSE)).hasSize(2)
                .allSatisfy(entry -> assertThat(entry.state()).isEqualTo(Outbox.State.DELIVERED));

        // Held back while the PACS restarts, so that the worker cannot deliver them before the cut-off below.
        stowDueIn("1 hour");
        OrthancDestinationsTestResource.startStowOrthancAgain();
        // A delivery cut off after the PACS stored it, before the outbox marked it: as a process dying there.
        HttpDicomWebClient pacs = new HttpDicomWebClient(new DicomWebEndpoint(
                URI.create(OrthancDestinationsTestResource.stowOrthanc.dicomWebUrl()), Optional.empty(),
                Duration.ofSeconds(1), Duration.ofSeconds(20)));
        try {
            outbox.inTransaction(connection -> {
                dueIn(connection, "0 seconds");
                Outbox.Claimed claimed = outbox.claimDue(connection, STOW).orElseThrow();
                try {
                    pacs.store(claimed.part10());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new CutOff();
            });
        } catch (CutOff expected) {
            // rolled back: the row is as the crash would leave it
        }
        stowDueIn("0 seconds");

        awaitDelivered(study, 4);
        assertThat(documents(OrthancDestinationsTestResource.stowOrthanc, study, COMPREHENSIVE_SR)).hasSize(1);
        assertThat(documents(OrthancDestinationsTestResource.stowOrthanc, study, KEY_OBJECT_SELECTION)).hasSize(1);
        assertThat(entries(study, STOW)).allSatisfy(entry -> assertThat(entry.lastError()).isNull());
    }

    @Test
    @Order(4)
    void documentsLostBetweenTheCommitAndTheOutboxAreWrittenAgainOnceByTheCatchUp() throws Exception {
        List<Outbox.Entry> before = outbox.list(new Outbox.Filter(null, null, firstStudy, 100));
        assertThat(before).hasSize(6);
        // As a process that stopped after scoring and submitting committed, before the outbox was written.
        outbox.inTransaction(connection -> outbox.deleteOfStudy(connection, firstStudy));
        assertThat(outbox.list(new Outbox.Filter(null, null, firstStudy, 100))).isEmpty();

        assertThat(catchUp.sweep()).isGreaterThanOrEqualTo(6);

        awaitDelivered(firstStudy, 6);
        List<Outbox.Entry> after = outbox.list(new Outbox.Filter(null, null, firstStudy, 100));
        assertThat(after).extracting(entry -> entry.destination() + " " + entry.kind() + " " + entry.sopInstanceUid())
                .containsExactlyInAnyOrderElementsOf(before.stream()
                        .map(entry -> entry.destination() + " " + entry.kind() + " " + entry.sopInstanceUid()).toList());
        for (OrthancProcess orthanc : List.of(OrthancDestinationsTestResource.stowOrthanc,
                OrthancDestinationsTestResource.dimseOrthanc)) {
            assertThat(documents(orthanc, firstStudy, COMPREHENSIVE_SR)).hasSize(2);
            assertThat(documents(orthanc, firstStudy, KEY_OBJECT_SELECTION)).hasSize(1);
        }

        assertThat(catchUp.sweep()).isZero();
        assertThat(outbox.list(new Outbox.Filter(null, null, firstStudy, 100))).extracting(Outbox.Entry::id)
                .containsExactlyInAnyOrderElementsOf(after.stream().map(Outbox.Entry::id).toList());
    }

    private static final class CutOff extends RuntimeException {
    }

    private record Box(String sopInstanceUid, float xmin, float ymin, float xmax, float ymax) {
    }

    private boolean stowFailedAtLeastTwice(String study) {
        List<Outbox.Entry> stow = entries(study, STOW);
        return stow.size() == 2 && stow.stream().allMatch(entry -> entry.attempts() >= 1)
                && stow.stream().anyMatch(entry -> entry.attempts() >= 2);
    }

    private List<Outbox.Entry> entries(String study, String destination) {
        return outbox.list(new Outbox.Filter(destination, null, study, 100));
    }

    private void awaitDelivered(String study, int deliveries) throws InterruptedException {
        Predicate<List<Outbox.Entry>> done = entries -> entries.size() == deliveries
                && entries.stream().allMatch(entry -> entry.state() == Outbox.State.DELIVERED);
        Instant deadline = Instant.now().plusSeconds(60);
        List<Outbox.Entry> entries = outbox.list(new Outbox.Filter(null, null, study, 100));
        while (!done.test(entries) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            entries = outbox.list(new Outbox.Filter(null, null, study, 100));
        }
        assertThat(entries).as("the study's deliveries").hasSize(deliveries)
                .allSatisfy(entry -> assertThat(entry.state()).isEqualTo(Outbox.State.DELIVERED));
    }

    private static AttributeList single(OrthancProcess orthanc, String study, String sopClass) throws Exception {
        List<AttributeList> found = documents(orthanc, study, sopClass);
        assertThat(found).as("documents of SOP class " + sopClass).hasSize(1);
        return found.get(0);
    }

    private static List<AttributeList> documents(OrthancProcess orthanc, String study, String sopClass)
            throws Exception {
        List<AttributeList> found = new ArrayList<>();
        for (byte[] file : orthanc.instanceFiles()) {
            AttributeList list = new AttributeList();
            list.read(new DicomInputStream(new ByteArrayInputStream(file)));
            if (study.equals(text(list, TagFromName.StudyInstanceUID)) && sopClass.equals(text(list,
                    TagFromName.SOPClassUID))) {
                found.add(list);
            }
        }
        return found;
    }

    // Each SCOORD's box, from its closed polyline, and the image it is selected from.
    private static List<Box> boxes(AttributeList report) throws Exception {
        List<Box> boxes = new ArrayList<>();
        collect((ContentItem) new StructuredReport(report).getRoot(), "SCOORD", new ArrayList<>()).forEach(scoord -> {
            float[] corners = scoord.getGraphicData();
            ContentItem image = (ContentItem) scoord.getChildAt(0);
            boxes.add(new Box(image.getReferencedSOPInstanceUID(), corners[0], corners[1], corners[4], corners[5]));
        });
        return boxes;
    }

    private static List<String> referencedImages(AttributeList selection) throws Exception {
        return collect((ContentItem) new StructuredReport(selection).getRoot(), "IMAGE", new ArrayList<>()).stream()
                .map(ContentItem::getReferencedSOPInstanceUID).toList();
    }

    private static List<ContentItem> collect(ContentItem item, String valueType, List<ContentItem> found) {
        if (valueType.equals(item.getValueType())) {
            found.add(item);
        }
        for (int child = 0; child < item.getChildCount(); child++) {
            collect((ContentItem) item.getChildAt(child), valueType, found);
        }
        return found;
    }

    private Path write(AttributeList list) throws Exception {
        Path file = Files.createTempFile(dir, "document-", ".dcm");
        list.write(file.toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        return file;
    }

    private static String text(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

    private static List<Path> study(int index) {
        return new ArrayList<>(TinyModel.studies().values()).get(index);
    }

    private void stowDueIn(String interval) {
        outbox.inTransaction(connection -> dueIn(connection, interval));
    }

    private static int dueIn(Connection connection, String interval) throws SQLException {
        try (var due = connection.prepareStatement("UPDATE pacs_outbox_delivery"
                + " SET next_attempt_at = now() + CAST(? AS interval) WHERE destination = ?")) {
            due.setString(1, interval);
            due.setString(2, STOW);
            return due.executeUpdate();
        }
    }
}
