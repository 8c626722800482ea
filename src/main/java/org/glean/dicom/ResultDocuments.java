package org.glean.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.CompositeInstanceContext;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Glean's results as DICOM objects for the study they are about, with PixelMed's SR
 * classes: a region report (Comprehensive SR in the pattern of TID 1500, Measurement Report:
 * each object a TID 1410 measurement group with its class, its box as an image-region SCOORD on
 * its source frame and, for the detector's objects, the score and four uncertainties as NUMs), and
 * a Key Object Selection (TID 2010) of the frames to annotate. The patient and study attributes are
 * copied from an instance of the study, so that the PACS files the documents with it.
 */
public final class ResultDocuments {

    /**
     * Glean's own concepts (PS3.16 §8: a private coding scheme designator begins with "99"). The
     * class names come from the model's manifest and the uncertainties from Glean's method: no
     * standard code says what they mean, and mapping a trained class such as "nodule" onto a
     * SNOMED CT concept would claim a clinical equivalence the model was never validated for.
     */
    public static final String GLEAN_SCHEME = "99GLEAN";
    /** SOP Class UID of region reports. */
    public static final String COMPREHENSIVE_SR = SOPClass.ComprehensiveSRStorage;
    /** SOP Class UID of key object selections. */
    public static final String KEY_OBJECT_SELECTION = SOPClass.KeyObjectSelectionDocumentStorage;
    /** The algorithm name in each detector's measurement group (TID 4019). */
    public static final String ALGORITHM_NAME = "Glean MDN-SSD detector";

    private static final String MANUFACTURER = "Glean";
    private static final String SOURCE_AE_TITLE = "GLEAN";
    private static final String DCM = "DCM";
    // Identifies Glean as the device observer (TID 1004); fixed, as the device is always Glean.
    private static final String DEVICE_OBSERVER_UID = DerivedUids.derive(0L, "device-observer", "glean");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");
    // Type 2 attributes of the Patient and General Study modules: present, if empty, in every document.
    private static final AttributeTag[] PATIENT_AND_STUDY_TYPE_2 = {TagFromName.PatientName, TagFromName.PatientID,
        TagFromName.PatientBirthDate, TagFromName.PatientSex, TagFromName.StudyDate, TagFromName.StudyTime,
        TagFromName.ReferringPhysicianName, TagFromName.StudyID, TagFromName.AccessionNumber};
    private static final int MAX_CODE_VALUE = 16;

    private final Clock clock;

    public ResultDocuments(Clock clock) {
        this.clock = clock;
    }

    /** The patient and study of a study, as one of its instances carries them. */
    public static final class StudyContext {

        private final AttributeList attributes;
        private final String studyInstanceUid;

        private StudyContext(AttributeList attributes, String studyInstanceUid) {
            this.attributes = attributes;
            this.studyInstanceUid = studyInstanceUid;
        }

        public String studyInstanceUid() {
            return studyInstanceUid;
        }
    }

    /**
     * Reads the Patient, Clinical Trial Subject, General Study and Patient Study attributes of a
     * stored instance, with its Specific Character Set, to copy into documents about its study.
     *
     * @throws MalformedDicomException when the file cannot be read as DICOM
     */
    public static StudyContext studyContext(Path part10) throws MalformedDicomException {
        AttributeList source = new AttributeList();
        try {
            source.read(part10.toString(), TagFromName.PixelData);
        } catch (IOException | DicomException e) {
            throw new MalformedDicomException("the stored instance cannot be read for its study's attributes: "
                    + e.getClass().getSimpleName(), e);
        }
        CompositeInstanceContext context = new CompositeInstanceContext(source, false);
        context.removeAllButPatientAndStudy();
        AttributeList attributes = context.getAttributeList();
        Attribute characterSet = source.get(TagFromName.SpecificCharacterSet);
        if (characterSet != null) {
            attributes.put(characterSet);
        }
        String study = Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.StudyInstanceUID);
        if (!DicomUid.isValid(study)) {
            throw new MalformedDicomException("the stored instance has no valid StudyInstanceUID");
        }
        return new StudyContext(attributes, study);
    }

    /**
     * A Comprehensive SR of the objects in {@code report}, each on the frame it names, as Part-10
     * bytes (Explicit VR Little Endian).
     */
    public byte[] regionReport(StudyContext study, DocumentIds ids, RegionReport report) {
        try {
            ContentItemFactory items = new ContentItemFactory();
            ContentItem root = items.makeContainerContentItem(null, null,
                    code("126000", DCM, "Imaging Measurement Report"), true, "DCMR", "1500");
            language(items, root);
            if (report.annotator() != null) {
                items.makeCodeContentItem(root, "HAS OBS CONTEXT", code("121005", DCM, "Observer Type"),
                        code("121006", DCM, "Person"));
                items.makePersonNameContentItem(root, "HAS OBS CONTEXT", code("121008", DCM, "Person Observer Name"),
                        personName(report.annotator()));
            } else {
                deviceObserver(items, root);
            }
            items.makeCodeContentItem(root, "HAS CONCEPT MOD", code("121058", DCM, "Procedure reported"),
                    code("363679005", "SCT", "Imaging procedure"));
            Map<String, ReferencedFrame> library = new LinkedHashMap<>();
            report.regions().forEach(region -> library.putIfAbsent(frameKey(region.image()), region.image()));
            if (!library.isEmpty()) {
                ContentItem imageLibrary = items.makeContainerContentItem(root, "CONTAINS",
                        code("111028", DCM, "Image Library"), true);
                ContentItem group = items.makeContainerContentItem(imageLibrary, "CONTAINS",
                        code("126200", DCM, "Image Library Group"), true);
                for (ReferencedFrame frame : library.values()) {
                    image(items, group, "CONTAINS", frame);
                }
            }
            ContentItem measurements = items.makeContainerContentItem(root, "CONTAINS",
                    code("126010", DCM, "Imaging Measurements"), true);
            ContentItem studyGroup = measurementGroup(items, measurements, report, ids, "study", 0);
            if (report.informativeness() != null) {
                number(items, studyGroup, gleanCode("INFORMATIVENESS", "Study informativeness"),
                        report.informativeness());
            }
            number(items, studyGroup, gleanCode("OBJECTS", "Number of objects"), report.regions().size());
            int index = 1;
            for (ReportedRegion region : report.regions()) {
                ContentItem object = measurementGroup(items, measurements, report, ids, "object " + index, index);
                items.makeCodeContentItem(object, "CONTAINS", code("121071", DCM, "Finding"), classCode(region.label()));
                ContentItem scoord = items.makeSpatialCoordinatesContentItem(object, "CONTAINS",
                        code("111030", DCM, "Image Region"), "POLYLINE", outline(region));
                image(items, scoord, "SELECTED FROM", region.image());
                ReportedRegion.Measurements values = region.measurements();
                if (values != null) {
                    number(items, object, gleanCode("SCORE", "Detector class score"), values.score());
                    number(items, object, gleanCode("EP_LOC", "Epistemic localization uncertainty"),
                            values.epistemicLocalization());
                    number(items, object, gleanCode("AL_LOC", "Aleatoric localization uncertainty"),
                            values.aleatoricLocalization());
                    number(items, object, gleanCode("EP_CLS", "Epistemic classification uncertainty"),
                            values.epistemicClassification());
                    number(items, object, gleanCode("AL_CLS", "Aleatoric classification uncertainty"),
                            values.aleatoricClassification());
                }
                index++;
            }
            AttributeList list = new StructuredReport(root).getAttributeList();
            document(list, study, ids, COMPREHENSIVE_SR, "SR", List.copyOf(library.values()));
            put(list, TagFromName.CompletionFlag, "COMPLETE");
            put(list, TagFromName.VerificationFlag, "UNVERIFIED");
            list.put(new SequenceAttribute(TagFromName.PerformedProcedureCodeSequence));
            list.put(codingSchemeIdentification());
            return part10(list);
        } catch (DicomException e) {
            throw new IllegalArgumentException("the region report cannot be encoded: " + e.getMessage(), e);
        }
    }

    /**
     * A Key Object Selection document titled (113000, DCM, "Of Interest") — of CID 7010's titles
     * the one that claims no purpose it does not have (teaching, quality, surgery) — with its
     * purpose in a Key Object Description, referencing {@code frames}.
     *
     * @param description why these frames were selected, e.g. "Selected by Glean for annotation"
     */
    public byte[] keyObjectSelection(StudyContext study, DocumentIds ids, String description,
            List<ReferencedFrame> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a key object selection references at least one image");
        }
        try {
            ContentItemFactory items = new ContentItemFactory();
            ContentItem root = items.makeContainerContentItem(null, null, code("113000", DCM, "Of Interest"), true,
                    "DCMR", "2010");
            language(items, root);
            deviceObserver(items, root);
            items.makeTextContentItem(root, "CONTAINS", code("113012", DCM, "Key Object Description"), description);
            for (ReferencedFrame frame : frames) {
                image(items, root, "CONTAINS", frame);
            }
            AttributeList list = new StructuredReport(root).getAttributeList();
            document(list, study, ids, KEY_OBJECT_SELECTION, "KO", frames);
            return part10(list);
        } catch (DicomException e) {
            throw new IllegalArgumentException("the key object selection cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** The document's identity, the study's attributes, its series, equipment, and evidence. */
    private void document(AttributeList list, StudyContext study, DocumentIds ids, String sopClassUid,
            String modality, List<ReferencedFrame> evidence) throws DicomException {
        list.putAll(study.attributes);
        for (AttributeTag tag : PATIENT_AND_STUDY_TYPE_2) {
            if (list.get(tag) == null) {
                put(list, tag);
            }
        }
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
        put(list, TagFromName.SOPClassUID, sopClassUid);
        put(list, TagFromName.SOPInstanceUID, ids.sopInstanceUid());
        put(list, TagFromName.InstanceCreationDate, DATE.format(now));
        put(list, TagFromName.InstanceCreationTime, TIME.format(now));
        put(list, TagFromName.TimezoneOffsetFromUTC, "+0000");
        put(list, TagFromName.Modality, modality);
        put(list, TagFromName.SeriesInstanceUID, ids.seriesInstanceUid());
        put(list, TagFromName.SeriesNumber, Integer.toString(ids.seriesNumber()));
        put(list, TagFromName.SeriesDescription, ids.seriesDescription());
        list.put(new SequenceAttribute(TagFromName.ReferencedPerformedProcedureStepSequence));
        put(list, TagFromName.Manufacturer, MANUFACTURER);
        put(list, TagFromName.InstanceNumber, "1");
        put(list, TagFromName.ContentDate, DATE.format(now));
        put(list, TagFromName.ContentTime, TIME.format(now));
        if (!evidence.isEmpty()) {
            list.put(evidence(study.studyInstanceUid(), evidence));
        }
    }

    // CurrentRequestedProcedureEvidenceSequence: every referenced instance, by series, once.
    private static SequenceAttribute evidence(String studyInstanceUid, List<ReferencedFrame> frames)
            throws DicomException {
        Map<String, Map<String, String>> bySeries = new LinkedHashMap<>();
        for (ReferencedFrame frame : frames) {
            bySeries.computeIfAbsent(frame.seriesInstanceUid(), series -> new LinkedHashMap<>())
                    .putIfAbsent(frame.sopInstanceUid(), frame.sopClassUid());
        }
        SequenceAttribute seriesSequence = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        for (Map.Entry<String, Map<String, String>> series : bySeries.entrySet()) {
            SequenceAttribute instances = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
            for (Map.Entry<String, String> instance : series.getValue().entrySet()) {
                AttributeList item = new AttributeList();
                put(item, TagFromName.ReferencedSOPClassUID, instance.getValue());
                put(item, TagFromName.ReferencedSOPInstanceUID, instance.getKey());
                instances.addItem(item);
            }
            AttributeList seriesItem = new AttributeList();
            put(seriesItem, TagFromName.SeriesInstanceUID, series.getKey());
            seriesItem.put(instances);
            seriesSequence.addItem(seriesItem);
        }
        AttributeList studyItem = new AttributeList();
        put(studyItem, TagFromName.StudyInstanceUID, studyInstanceUid);
        studyItem.put(seriesSequence);
        SequenceAttribute evidence = new SequenceAttribute(TagFromName.CurrentRequestedProcedureEvidenceSequence);
        evidence.addItem(studyItem);
        return evidence;
    }

    private static byte[] part10(AttributeList list) throws DicomException {
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            list.write(bytes, TransferSyntax.ExplicitVRLittleEndian, true, true);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    // TID 1410's measurement group, with the tracking identifiers TID 1501 requires and, for the
    // detector's report, the algorithm (TID 4019).
    private static ContentItem measurementGroup(ContentItemFactory items, ContentItem parent, RegionReport report,
            DocumentIds ids, String trackingIdentifier, int index) throws DicomException {
        ContentItem group = items.makeContainerContentItem(parent, "CONTAINS", code("125007", DCM, "Measurement Group"),
                true, "DCMR", "1410");
        items.makeTextContentItem(group, "HAS OBS CONTEXT", code("112039", DCM, "Tracking Identifier"),
                trackingIdentifier);
        items.makeUIDContentItem(group, "HAS OBS CONTEXT", code("112040", DCM, "Tracking Unique Identifier"),
                DerivedUids.derive(0L, "tracking", ids.sopInstanceUid(), Integer.toString(index)));
        if (report.modelVersion() != null) {
            items.makeTextContentItem(group, "HAS CONCEPT MOD", code("111001", DCM, "Algorithm Name"), ALGORITHM_NAME);
            items.makeTextContentItem(group, "HAS CONCEPT MOD", code("111003", DCM, "Algorithm Version"),
                    report.modelVersion());
        }
        return group;
    }

    private static void language(ContentItemFactory items, ContentItem root) throws DicomException {
        items.makeCodeContentItem(root, "HAS CONCEPT MOD",
                code("121049", DCM, "Language of Content Item and Descendants"),
                code("en-US", "RFC5646", "English (United States)"));
    }

    // TID 1002 with TID 1004: Glean is the observer.
    private static void deviceObserver(ContentItemFactory items, ContentItem root) throws DicomException {
        items.makeCodeContentItem(root, "HAS OBS CONTEXT", code("121005", DCM, "Observer Type"),
                code("121007", DCM, "Device"));
        items.makeUIDContentItem(root, "HAS OBS CONTEXT", code("121012", DCM, "Device Observer UID"),
                DEVICE_OBSERVER_UID);
        items.makeTextContentItem(root, "HAS OBS CONTEXT", code("121013", DCM, "Device Observer Name"), MANUFACTURER);
    }

    private static void image(ContentItemFactory items, ContentItem parent, String relationship, ReferencedFrame frame)
            throws DicomException {
        items.makeImageContentItem(parent, relationship, null, frame.sopClassUid(), frame.sopInstanceUid(),
                frame.numberOfFrames() > 1 ? frame.frame() : 0, 0, null, null, null, null);
    }

    private static void number(ContentItemFactory items, ContentItem parent, CodedSequenceItem concept, double value)
            throws DicomException {
        items.makeNumericContentItem(parent, "CONTAINS", concept, value, code("1", "UCUM", "no units"));
    }

    /**
     * The box as a closed POLYLINE of its four corners, in image coordinates (column, row): DICOM
     * puts (0, 0) at the top left corner of the top left pixel, as Glean's boxes do.
     */
    private static float[] outline(ReportedRegion region) {
        float left = (float) region.xmin();
        float top = (float) region.ymin();
        float right = (float) region.xmax();
        float bottom = (float) region.ymax();
        return new float[] {left, top, right, top, right, bottom, left, bottom, left, top};
    }

    // A class name as a code of Glean's scheme; a name too long for a Code Value (16 characters)
    // gets a value from its hash, and keeps its name as the Code Meaning.
    private static CodedSequenceItem classCode(String label) throws DicomException {
        String value = label.length() <= MAX_CODE_VALUE && label.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '\\')
                ? label : "C" + sha256(label).substring(0, MAX_CODE_VALUE - 1);
        return code(value, GLEAN_SCHEME, label);
    }

    private static CodedSequenceItem gleanCode(String value, String meaning) throws DicomException {
        return code(value, GLEAN_SCHEME, meaning);
    }

    private static CodedSequenceItem code(String value, String scheme, String meaning) throws DicomException {
        return new CodedSequenceItem(value, scheme, meaning);
    }

    // A user name as a Person Name's family name component: PN separates components with ^ and = .
    private static String personName(String userName) {
        return userName.replaceAll("[\\^=\\\\]", "_");
    }

    private static SequenceAttribute codingSchemeIdentification() throws DicomException {
        AttributeList item = new AttributeList();
        put(item, TagFromName.CodingSchemeDesignator, GLEAN_SCHEME);
        put(item, TagFromName.CodingSchemeName, "Glean result concepts");
        put(item, TagFromName.CodingSchemeResponsibleOrganization, MANUFACTURER);
        SequenceAttribute sequence = new SequenceAttribute(TagFromName.CodingSchemeIdentificationSequence);
        sequence.addItem(item);
        return sequence;
    }

    private static String frameKey(ReferencedFrame frame) {
        return frame.sopInstanceUid() + "/" + frame.frame();
    }

    private static void put(AttributeList list, AttributeTag tag, String... values) throws DicomException {
        DicomImageWriter.put(list, tag, values);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
