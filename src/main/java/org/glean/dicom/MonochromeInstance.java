package org.glean.dicom;

import java.util.List;
import java.util.Objects;

/**
 * One monochrome 16-bit image instance for {@link DicomImageWriter}: its study and series, its
 * own identity, and its frames of stored values.
 *
 * @param study the study it belongs to (shared by every instance of the study)
 * @param series the series it belongs to (shared by every instance of the series)
 * @param sopInstanceUid SOPInstanceUID (0008,0018)
 * @param instanceNumber InstanceNumber (0020,0013), from 1
 * @param rows Rows (0028,0010)
 * @param columns Columns (0028,0011)
 * @param frames stored values, {@code rows × columns} per frame in row-major order; two's
 *     complement for a signed SOP class (CT, in HU), the low 16 bits of each value otherwise;
 *     one frame unless the SOP class is multi-frame
 * @param windowCenter WindowCenter (0028,1050) in modality units
 * @param windowWidth WindowWidth (0028,1051), positive
 * @param slicePosition CT: the z of ImagePositionPatient and SliceLocation in mm; ignored for DX
 */
public record MonochromeInstance(
        Study study,
        Series series,
        String sopInstanceUid,
        int instanceNumber,
        int rows,
        int columns,
        List<short[]> frames,
        double windowCenter,
        double windowWidth,
        double slicePosition) {

    /**
     * Study-level attributes, with a synthetic patient: this writer exists to make test and
     * training data, so the patient is whatever the caller names, never a real person.
     *
     * @param studyInstanceUid StudyInstanceUID (0020,000D)
     * @param studyId StudyID (0020,0010), at most 16 characters
     * @param studyDate StudyDate (0008,0020) as YYYYMMDD
     * @param patientName PatientName (0010,0010) in PN form (Family^Given)
     * @param patientId PatientID (0010,0020)
     */
    public record Study(String studyInstanceUid, String studyId, String studyDate,
                        String patientName, String patientId) {
        public Study {
            requireUid("StudyInstanceUID", studyInstanceUid);
            Objects.requireNonNull(studyId, "studyId");
            if (studyId.length() > 16) {
                throw new IllegalArgumentException("StudyID is longer than 16 characters: " + studyId);
            }
            if (studyDate == null || !studyDate.matches("[0-9]{8}")) {
                throw new IllegalArgumentException("StudyDate must be YYYYMMDD, got " + studyDate);
            }
            Objects.requireNonNull(patientName, "patientName");
            Objects.requireNonNull(patientId, "patientId");
        }
    }

    /**
     * Series-level attributes.
     *
     * @param sopClass the SOP class, which fixes Modality and PixelRepresentation
     * @param seriesInstanceUid SeriesInstanceUID (0020,000E)
     * @param seriesNumber SeriesNumber (0020,0011)
     * @param frameOfReferenceUid FrameOfReferenceUID (0020,0052), used for CT
     * @param pixelSpacing PixelSpacing (0028,0030) in mm, square pixels
     * @param sliceThickness CT: SliceThickness (0018,0050) in mm; ignored for DX
     */
    public record Series(ImageSopClass sopClass, String seriesInstanceUid, int seriesNumber,
                         String frameOfReferenceUid, double pixelSpacing, double sliceThickness) {
        public Series {
            Objects.requireNonNull(sopClass, "sopClass");
            requireUid("SeriesInstanceUID", seriesInstanceUid);
            requireUid("FrameOfReferenceUID", frameOfReferenceUid);
            if (!(pixelSpacing > 0)) {
                throw new IllegalArgumentException("PixelSpacing must be positive, got " + pixelSpacing);
            }
            if (sopClass == ImageSopClass.CT_IMAGE && !(sliceThickness > 0)) {
                throw new IllegalArgumentException("SliceThickness must be positive for CT, got " + sliceThickness);
            }
        }
    }

    public MonochromeInstance {
        Objects.requireNonNull(study, "study");
        Objects.requireNonNull(series, "series");
        requireUid("SOPInstanceUID", sopInstanceUid);
        if (rows <= 0 || columns <= 0 || rows > 0xFFFF || columns > 0xFFFF) {
            throw new IllegalArgumentException("Rows and Columns must be 1..65535, got " + rows + "×" + columns);
        }
        if (frames == null || frames.isEmpty()) {
            throw new IllegalArgumentException("an image instance needs at least one frame");
        }
        for (short[] frame : frames) {
            if (frame.length != rows * columns) {
                throw new IllegalArgumentException("a frame holds " + frame.length + " values, Rows×Columns is "
                        + rows * columns);
            }
        }
        if (frames.size() > 1 && !series.sopClass().multiFrame()) {
            throw new IllegalArgumentException(series.sopClass() + " instances are single-frame; "
                    + frames.size() + " frames need a multi-frame SOP class");
        }
        frames = List.copyOf(frames);
        if (!(windowWidth > 0)) {
            throw new IllegalArgumentException("WindowWidth must be positive, got " + windowWidth);
        }
    }

    private static void requireUid(String name, String uid) {
        if (!DicomUid.isValid(uid)) {
            throw new IllegalArgumentException(name + " is not a valid DICOM UID: " + uid);
        }
    }
}
