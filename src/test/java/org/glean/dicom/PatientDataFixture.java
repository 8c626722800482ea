package org.glean.dicom;

import java.util.List;

/**
 * Identifying attributes as a hospital's instances carry them, in DCMTK dump lines for dump2dcm:
 * the patient, the people and the institution, dates and times, a private block, a reference to
 * another instance, and a kept sequence (Contributing Equipment) that holds identifying attributes
 * too. None of {@link #values()} may leave Glean.
 */
public final class PatientDataFixture {

    public static final String PATIENT_NAME = "Doe^Jane";
    public static final String PATIENT_ID = "PID-4711";
    public static final String BIRTH_DATE = "19610415";
    public static final String ACCESSION_NUMBER = "ACC-20240131-77";
    public static final String INSTITUTION = "St Elsewhere Hospital";
    public static final String REFERRING_PHYSICIAN = "House^Gregory";
    public static final String PRIVATE_VALUE = "secret-ref-4711";
    /** The acquisition day; every date of the fixture is on it. */
    public static final String DAY = "20240131";

    private static final String OTHER_PATIENT_ID = "MRN-99812";
    private static final String STATION = "CT-ROOM-7";
    private static final String DEVICE_SERIAL = "SN-CT7-0042";
    private static final String STUDY_ID = "STUDY-8812";
    private static final String OPERATOR = "Operator^Olga";
    private static final String REQUESTING_PHYSICIAN = "Requester^Rita";
    private static final String REQUESTED_PROCEDURE_ID = "RP-5511";

    private PatientDataFixture() {
    }

    /**
     * One entry per element (a sequence spans several lines).
     *
     * @param frameOfReferenceUid      FrameOfReferenceUID (0020,0052)
     * @param referencedSopInstanceUid the instance that Referenced Image Sequence (0008,1140) names
     */
    public static List<String> dumpEntries(String frameOfReferenceUid, String referencedSopInstanceUid) {
        return List.of(
                "(0008,0020) DA [" + DAY + "]",
                "(0008,0021) DA [" + DAY + "]",
                "(0008,0022) DA [" + DAY + "]",
                "(0008,0023) DA [" + DAY + "]",
                "(0008,0030) TM [101500]",
                "(0008,0031) TM [101510]",
                "(0008,0050) SH [" + ACCESSION_NUMBER + "]",
                "(0008,0080) LO [" + INSTITUTION + "]",
                "(0008,0090) PN [" + REFERRING_PHYSICIAN + "]",
                "(0008,1010) SH [" + STATION + "]",
                "(0008,1030) LO [Chest CT of " + PATIENT_NAME + "]",
                "(0008,1070) PN [" + OPERATOR + "]",
                """
                (0008,1140) SQ (Sequence with explicit length #=1)
                  (fffe,e000) na (Item with explicit length #=2)
                    (0008,1150) UI [1.2.840.10008.5.1.4.1.1.2]
                    (0008,1155) UI [%s]
                  (fffe,e00d) na (ItemDelimitationItem for re-encoding)
                (fffe,e0dd) na (SequenceDelimitationItem for re-encoding)""".formatted(referencedSopInstanceUid),
                "(0009,0010) LO [ACME PRIVATE]",
                "(0009,1001) LO [" + PRIVATE_VALUE + "]",
                "(0010,0010) PN [" + PATIENT_NAME + "]",
                "(0010,0020) LO [" + PATIENT_ID + "]",
                "(0010,0030) DA [" + BIRTH_DATE + "]",
                "(0010,0040) CS [F]",
                "(0010,1000) LO [" + OTHER_PATIENT_ID + "]",
                "(0010,1010) AS [062Y]",
                "(0018,1000) LO [" + DEVICE_SERIAL + "]",
                """
                (0018,a001) SQ (Sequence with explicit length #=1)
                  (fffe,e000) na (Item with explicit length #=4)
                    (0008,0070) LO [ACME Medical]
                    (0008,0080) LO [%s]
                    (0008,1010) SH [%s]
                    (0018,a002) DT [%s101500]
                  (fffe,e00d) na (ItemDelimitationItem for re-encoding)
                (fffe,e0dd) na (SequenceDelimitationItem for re-encoding)""".formatted(INSTITUTION, STATION, DAY),
                "(0020,0010) SH [" + STUDY_ID + "]",
                "(0020,0052) UI [" + frameOfReferenceUid + "]",
                "(0032,1032) PN [" + REQUESTING_PHYSICIAN + "]",
                """
                (0040,0275) SQ (Sequence with explicit length #=1)
                  (fffe,e000) na (Item with explicit length #=2)
                    (0008,0050) SH [%s]
                    (0040,1001) SH [%s]
                  (fffe,e00d) na (ItemDelimitationItem for re-encoding)
                (fffe,e0dd) na (SequenceDelimitationItem for re-encoding)""".formatted(ACCESSION_NUMBER,
                        REQUESTED_PROCEDURE_ID));
    }

    /** Every identifying value of {@link #dumpEntries}, names split into their parts. */
    public static List<String> values() {
        return List.of("Doe", "Jane", PATIENT_ID, BIRTH_DATE, ACCESSION_NUMBER, "Elsewhere", "House", "Gregory",
                PRIVATE_VALUE, "ACME PRIVATE", OTHER_PATIENT_ID, "062Y", STATION, DEVICE_SERIAL, STUDY_ID, "Olga",
                "Rita", REQUESTED_PROCEDURE_ID, DAY, "101500", "101510");
    }
}
