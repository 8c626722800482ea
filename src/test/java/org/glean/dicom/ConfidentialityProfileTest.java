package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.glean.dicom.ConfidentialityProfile.Action.D;
import static org.glean.dicom.ConfidentialityProfile.Action.K;
import static org.glean.dicom.ConfidentialityProfile.Action.U;
import static org.glean.dicom.ConfidentialityProfile.Action.X;
import static org.glean.dicom.ConfidentialityProfile.Action.Z;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.glean.dicom.ConfidentialityProfile.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile's table against rows checked by hand in PS3.15 Table E.1-1, and what it makes of a
 * real instance that carries {@link PatientDataFixture}'s identifying attributes.
 */
class ConfidentialityProfileTest {

    private static final String FRAME_OF_REFERENCE = SyntheticImage.UID_ROOT + ".4.1";
    private static final String REFERENCED_SOP = SyntheticImage.UID_ROOT + ".3.99";

    @TempDir
    Path directory;

    @Test
    void rowsCarryTheStandardsCodeAndTheChoiceForImageIods() {
        assertThat(ConfidentialityProfile.rule(TagFromName.PatientName)).contains(new Rule("Z", Z));
        assertThat(ConfidentialityProfile.rule(TagFromName.PatientID)).contains(new Rule("Z", Z));
        assertThat(ConfidentialityProfile.rule(TagFromName.PatientBirthDate)).contains(new Rule("Z", Z));
        assertThat(ConfidentialityProfile.rule(TagFromName.PatientAge)).contains(new Rule("X", X));
        assertThat(ConfidentialityProfile.rule(TagFromName.AccessionNumber)).contains(new Rule("Z", Z));
        assertThat(ConfidentialityProfile.rule(TagFromName.StudyDate)).contains(new Rule("Z", Z));
        assertThat(ConfidentialityProfile.rule(TagFromName.StudyInstanceUID)).contains(new Rule("U", U));
        assertThat(ConfidentialityProfile.rule(TagFromName.FrameOfReferenceUID)).contains(new Rule("U", U));
        assertThat(ConfidentialityProfile.rule(TagFromName.VerifyingObserverName)).contains(new Rule("D", D));
        // choices: X for Type 3 everywhere, D or Z where an image IOD requires the attribute
        assertThat(ConfidentialityProfile.rule(TagFromName.InstitutionName)).contains(new Rule("X/Z/D", X));
        assertThat(ConfidentialityProfile.rule(TagFromName.DeviceSerialNumber)).contains(new Rule("X/Z/D", D));
        assertThat(ConfidentialityProfile.rule(TagFromName.ContentDate)).contains(new Rule("Z/D", D));
        assertThat(ConfidentialityProfile.rule(TagFromName.AcquisitionDate)).contains(new Rule("X/Z", Z));
        assertThat(ConfidentialityProfile.rule(TagFromName.ReferencedImageSequence)).contains(new Rule("X/Z/U*", X));
        // attributes an image needs are not in the table
        assertThat(ConfidentialityProfile.rule(TagFromName.SOPClassUID)).isEmpty();
        assertThat(ConfidentialityProfile.rule(TagFromName.PixelData)).isEmpty();
    }

    @Test
    void attributesOutsideTheTableAreKeptUnlessPrivateOverlayNameOrTime() {
        assertThat(action(TagFromName.Modality)).isEqualTo(K);
        assertThat(action(TagFromName.Rows)).isEqualTo(K);
        assertThat(action(TagFromName.WindowCenter)).isEqualTo(K);
        assertThat(action(TagFromName.BurnedInAnnotation)).isEqualTo(K);
        assertThat(action(new AttributeTag(0x0009, 0x1001))).isEqualTo(X);
        assertThat(action(new AttributeTag(0x6002, 0x0010))).isEqualTo(X);
        // in PS3.15's table (RT), not in Glean's: removed as a person name and a date
        assertThat(action(TagFromName.ReviewerName)).isEqualTo(X);
        assertThat(action(DicomDictionary.StandardDictionary.getTagFromName("TreatmentDate"))).isEqualTo(X);
    }

    @Test
    void anInstanceLosesEveryIdentifyingAttributeAndKeepsWhatAnImageNeeds() throws Exception {
        AttributeList dataset = read(identifiable());
        Map<String, String> pseudonyms = new HashMap<>();

        ConfidentialityProfile.apply(dataset, uids -> {
            uids.forEach(uid -> pseudonyms.computeIfAbsent(uid, original -> "2.25." + (1000 + pseudonyms.size())));
            return pseudonyms;
        });

        // Z: present and empty
        assertThat(value(dataset, TagFromName.PatientName)).isEmpty();
        assertThat(value(dataset, TagFromName.PatientID)).isEmpty();
        assertThat(value(dataset, TagFromName.PatientBirthDate)).isEmpty();
        assertThat(value(dataset, TagFromName.AccessionNumber)).isEmpty();
        assertThat(value(dataset, TagFromName.ReferringPhysicianName)).isEmpty();
        assertThat(value(dataset, TagFromName.StudyDate)).isEmpty();
        assertThat(value(dataset, TagFromName.StudyID)).isEmpty();
        assertThat(value(dataset, TagFromName.AcquisitionDate)).isEmpty();
        // D: a dummy
        assertThat(value(dataset, TagFromName.SeriesDate)).isEqualTo("19000101");
        assertThat(value(dataset, TagFromName.ContentDate)).isEqualTo("19000101");
        assertThat(value(dataset, TagFromName.SeriesTime)).isEqualTo("000000");
        assertThat(value(dataset, TagFromName.DeviceSerialNumber)).isEqualTo("REMOVED");
        // X: gone, private block and the referencing sequence included
        for (AttributeTag removed : new AttributeTag[] {TagFromName.PatientAge, TagFromName.OtherPatientIDs,
                TagFromName.InstitutionName, TagFromName.StationName, TagFromName.StudyDescription,
                TagFromName.OperatorsName, TagFromName.RequestingPhysician, TagFromName.RequestAttributesSequence,
                TagFromName.ReferencedImageSequence, new AttributeTag(0x0009, 0x0010),
                new AttributeTag(0x0009, 0x1001)}) {
            assertThat(dataset.get(removed)).as(removed.toString()).isNull();
        }
        // U: consistent pseudonyms
        assertThat(value(dataset, TagFromName.StudyInstanceUID))
                .isEqualTo(pseudonyms.get(SyntheticImage.STUDY_INSTANCE_UID));
        assertThat(value(dataset, TagFromName.SOPInstanceUID))
                .isEqualTo(pseudonyms.get(SyntheticImage.signedCt().sopInstanceUid()));
        assertThat(value(dataset, TagFromName.FrameOfReferenceUID)).isEqualTo(pseudonyms.get(FRAME_OF_REFERENCE));
        assertThat(pseudonyms).doesNotContainKey(REFERENCED_SOP); // its sequence is removed, not rewritten
        // K: kept; a kept sequence is cleaned inside
        assertThat(value(dataset, TagFromName.SOPClassUID)).isEqualTo(SyntheticImage.CT_IMAGE_STORAGE);
        assertThat(value(dataset, TagFromName.Modality)).isEqualTo("CT");
        assertThat(value(dataset, TagFromName.Rows)).isEqualTo("64");
        AttributeList equipment = ((SequenceAttribute) dataset.get(TagFromName.ContributingEquipmentSequence))
                .getItem(0).getAttributeList();
        assertThat(value(equipment, TagFromName.Manufacturer)).isEqualTo("ACME Medical");
        assertThat(equipment.get(TagFromName.InstitutionName)).isNull();
        assertThat(equipment.get(TagFromName.StationName)).isNull();
        assertThat(equipment.get(new AttributeTag(0x0018, 0xA002))).as("ContributionDateTime").isNull();
        // what was done, said in the data set
        assertThat(value(dataset, TagFromName.PatientIdentityRemoved)).isEqualTo("YES");
        assertThat(value(dataset, TagFromName.DeidentificationMethod)).isEqualTo(ConfidentialityProfile.METHOD);
        assertThat(value(dataset, TagFromName.LongitudinalTemporalInformationModified)).isEqualTo("REMOVED");
        AttributeList method = ((SequenceAttribute) dataset.get(TagFromName.DeidentificationMethodCodeSequence))
                .getItem(0).getAttributeList();
        assertThat(value(method, TagFromName.CodeValue)).isEqualTo("113100");
        assertThat(value(method, TagFromName.CodingSchemeDesignator)).isEqualTo("DCM");
    }

    @Test
    void aKeptUidThatIsAlsoReplacedGetsTheSamePseudonym() throws Exception {
        AttributeList dataset = read(identifiable());
        // (0004,1511) is not a row of Glean's table: kept, but it names this very instance
        Attribute reference = new com.pixelmed.dicom.UniqueIdentifierAttribute(
                TagFromName.ReferencedSOPInstanceUIDInFile);
        reference.addValue(SyntheticImage.signedCt().sopInstanceUid());
        dataset.put(reference);

        ConfidentialityProfile.apply(dataset, uids -> Map.of(SyntheticImage.STUDY_INSTANCE_UID, "2.25.1",
                SyntheticImage.signedCt().seriesInstanceUid(), "2.25.2", SyntheticImage.signedCt().sopInstanceUid(),
                "2.25.3", FRAME_OF_REFERENCE, "2.25.4"));

        assertThat(value(dataset, TagFromName.ReferencedSOPInstanceUIDInFile)).isEqualTo("2.25.3");
        assertThat(value(dataset, TagFromName.SOPInstanceUID)).isEqualTo("2.25.3");
    }

    private Path identifiable() {
        SyntheticImage ct = SyntheticImage.signedCt();
        DicomDump dump = ct.dump();
        PatientDataFixture.dumpEntries(FRAME_OF_REFERENCE, REFERENCED_SOP).forEach(dump::set);
        return ct.write(directory, dump, "identifiable");
    }

    private static AttributeList read(Path file) throws Exception {
        AttributeList dataset = new AttributeList();
        dataset.read(file.toString());
        return dataset;
    }

    private static ConfidentialityProfile.Action action(AttributeTag tag) {
        byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag);
        return ConfidentialityProfile.actionFor(tag, vr == null ? ValueRepresentation.LO : vr);
    }

    private static String value(AttributeList dataset, AttributeTag tag) {
        assertThat(dataset.get(tag)).as("%s present", tag).isNotNull();
        return Attribute.getDelimitedStringValuesOrEmptyString(dataset, tag);
    }
}
