package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The region report and key object selection as dicom3tools' IOD verifier and PixelMed's SR
 * reader see them: valid, filed under the source study's patient, and saying exactly which
 * frames and boxes they were given.
 */
class ResultDocumentsTest {

    private static final ResultDocuments DOCUMENTS = new ResultDocuments(
            Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC));

    @TempDir
    Path dir;

    @Test
    void aDetectorReportPassesTheVerifierAndCarriesEachBoxOnItsFrameWithItsMeasurements() throws Exception {
        String study = DcmtkFiles.newUid();
        Spec ct = Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 64);
        Path source = DcmtkFiles.writeIdentifiable(dir, ct, DcmtkFiles.newUid(), DcmtkFiles.newUid());
        Spec multiFrame = Spec.ct(study, DcmtkFiles.newUid(), 2, 1, 64).withFrames(3);
        ReferencedFrame ctFrame = new ReferencedFrame(ct.sopClassUid(), ct.sopUid(), ct.seriesUid(), 1, 1);
        ReferencedFrame thirdFrame = new ReferencedFrame(multiFrame.sopClassUid(), multiFrame.sopUid(),
                multiFrame.seriesUid(), 3, 3);
        List<ReportedRegion> regions = List.of(
                new ReportedRegion(ctFrame, "nodule", 10, 12.5, 20, 30,
                        new ReportedRegion.Measurements(0.91, 0.01, 0.2, 0.003, 0.4)),
                new ReportedRegion(thirdFrame, "a class name longer than sixteen", 0, 0, 64, 8,
                        new ReportedRegion.Measurements(0.5, 1.5, 2.5, 0.25, 0.125)));
        DocumentIds ids = DocumentIds.derived(study, 9901, "Glean detections", "sr", "model-1");

        byte[] bytes = DOCUMENTS.regionReport(ResultDocuments.studyContext(source), ids,
                RegionReport.ofDetector("model-1", 1.75, regions));

        Path file = Files.write(dir.resolve("sr.dcm"), bytes);
        assertThat(DicomTools.errors(file)).isEmpty();
        AttributeList list = read(bytes);
        assertThat(text(list, TagFromName.SOPClassUID)).isEqualTo(SOPClass.ComprehensiveSRStorage);
        assertThat(text(list, TagFromName.SOPInstanceUID)).isEqualTo(ids.sopInstanceUid());
        assertThat(text(list, TagFromName.StudyInstanceUID)).isEqualTo(study);
        assertThat(text(list, TagFromName.PatientName)).isEqualTo(PatientDataFixture.PATIENT_NAME);
        assertThat(text(list, TagFromName.PatientID)).isEqualTo(PatientDataFixture.PATIENT_ID);
        assertThat(text(list, TagFromName.AccessionNumber)).isEqualTo(PatientDataFixture.ACCESSION_NUMBER);
        ContentItem root = (ContentItem) new StructuredReport(list).getRoot();
        List<ContentItem> scoords = new ArrayList<>();
        collect(root, "SCOORD", scoords);
        assertThat(scoords).hasSize(2);
        assertThat(scoords.get(0).getGraphicData()).containsExactly(10f, 12.5f, 20f, 12.5f, 20f, 30f, 10f, 30f,
                10f, 12.5f);
        ContentItem selectedFrom = (ContentItem) scoords.get(1).getChildAt(0);
        assertThat(selectedFrom.getReferencedSOPInstanceUID()).isEqualTo(multiFrame.sopUid());
        assertThat(selectedFrom.getAttributeList().toString()).contains("ReferencedFrameNumber");
        List<ContentItem> numbers = new ArrayList<>();
        collect(root, "NUM", numbers);
        assertThat(numbers).extracting(ContentItem::getConceptNameCodeValue).containsExactly("INFORMATIVENESS",
                "OBJECTS", "SCORE", "EP_LOC", "AL_LOC", "EP_CLS", "AL_CLS", "SCORE", "EP_LOC", "AL_LOC", "EP_CLS",
                "AL_CLS");
        assertThat(numbers).extracting(ContentItem::getSingleStringValueOrNull).startsWith("1.75", "2", "0.91");
        assertThat(new StructuredReport(list).toString()).contains("Algorithm Version").contains("model-1");
    }

    @Test
    void anAnnotationReportNamesThePersonAndAKeyObjectSelectionItsFrames() throws Exception {
        String study = DcmtkFiles.newUid();
        Spec ct = Spec.ct(study, DcmtkFiles.newUid(), 1, 1, 64);
        Path source = DcmtkFiles.write(dir, ct, DcmtkFiles.Syntax.EXPLICIT_LITTLE);
        ReferencedFrame frame = new ReferencedFrame(ct.sopClassUid(), ct.sopUid(), ct.seriesUid(), 1, 1);
        ResultDocuments.StudyContext context = ResultDocuments.studyContext(source);

        byte[] annotation = DOCUMENTS.regionReport(context,
                DocumentIds.derived(study, 9903, "Glean annotations", "annotation-sr", "7"),
                RegionReport.ofAnnotator("alice", List.of(new ReportedRegion(frame, "mass", 1, 2, 3, 4, null))));
        byte[] selection = DOCUMENTS.keyObjectSelection(context,
                DocumentIds.derived(study, 9902, "Glean selections", "kos", "model-1"),
                "Selected by Glean for annotation", List.of(frame));

        Path annotationFile = Files.write(dir.resolve("annotation.dcm"), annotation);
        Path selectionFile = Files.write(dir.resolve("kos.dcm"), selection);
        assertThat(DicomTools.errors(annotationFile)).isEmpty();
        assertThat(DicomTools.errors(selectionFile)).isEmpty();
        assertThat(new StructuredReport(read(annotation)).toString()).contains("Person Observer Name").contains("alice")
                .doesNotContain("Algorithm");
        AttributeList kos = read(selection);
        assertThat(text(kos, TagFromName.SOPClassUID)).isEqualTo(SOPClass.KeyObjectSelectionDocumentStorage);
        assertThat(text(kos, TagFromName.Modality)).isEqualTo("KO");
        ContentItem kosRoot = (ContentItem) new StructuredReport(kos).getRoot();
        assertThat(kosRoot.getConceptNameCodeValue()).isEqualTo("113000");
        List<ContentItem> images = new ArrayList<>();
        collect(kosRoot, "IMAGE", images);
        assertThat(images).extracting(ContentItem::getReferencedSOPInstanceUID).containsExactly(ct.sopUid());
    }

    @Test
    void theSameDocumentGetsTheSameUidsAndAnotherModelVersionOthers() {
        String study = DcmtkFiles.newUid();
        DocumentIds first = DocumentIds.derived(study, 9901, "Glean detections", "sr", "model-1");

        assertThat(DocumentIds.derived(study, 9901, "Glean detections", "sr", "model-1")).isEqualTo(first);
        DocumentIds other = DocumentIds.derived(study, 9901, "Glean detections", "sr", "model-2");
        assertThat(other.sopInstanceUid()).isNotEqualTo(first.sopInstanceUid());
        assertThat(other.seriesInstanceUid()).isEqualTo(first.seriesInstanceUid());
        assertThat(DicomUid.isValid(first.sopInstanceUid())).isTrue();
    }

    @Test
    void aSelectionOfNothingIsRefused() throws Exception {
        Spec ct = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64);
        ResultDocuments.StudyContext context = ResultDocuments.studyContext(
                DcmtkFiles.write(dir, ct, DcmtkFiles.Syntax.EXPLICIT_LITTLE));

        assertThatThrownBy(() -> DOCUMENTS.keyObjectSelection(context,
                DocumentIds.derived(ct.studyUid(), 9902, "Glean selections", "kos", "m"), "x", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one image");
    }

    private static void collect(ContentItem item, String valueType, List<ContentItem> found) {
        if (valueType.equals(item.getValueType())) {
            found.add(item);
        }
        for (int child = 0; child < item.getChildCount(); child++) {
            collect((ContentItem) item.getChildAt(child), valueType, found);
        }
    }

    private static AttributeList read(byte[] bytes) throws Exception {
        AttributeList list = new AttributeList();
        list.read(new com.pixelmed.dicom.DicomInputStream(new ByteArrayInputStream(bytes)));
        return list;
    }

    private static String text(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
