package org.glean.dicom;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One monochrome image instance (16 bits allocated) for {@link DicomImageWriter}: its study and series, its
 * own identity, and its frames of stored values.
 *
 * @param study the study it belongs to (shared by every instance of the study)
 * @param series the series it belongs to (shared by every instance of the series)
 * @param sopInstanceUid SOPInstanceUID (0008,0018)
 * @param instanceNumber InstanceNumber (0020,0013), from 1
 * @param rows Rows (0028,0010)
 * @param columns Columns (0028,0011)
 * @param frames stored values, {@code rows × columns} per frame in row-major order; two's
 *     complement for a signed SOP class (CT), the low 16 bits of each value otherwise, modality
 *     values through the series' {@link PixelEncoding} (HU for CT);
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
     * @param encoding how its stored values encode modality values
     */
    public record Series(ImageSopClass sopClass, String seriesInstanceUid, int seriesNumber,
                         String frameOfReferenceUid, double pixelSpacing, double sliceThickness,
                         PixelEncoding encoding) {

        /** A series with the SOP class's default encoding: 16 bits stored, no rescale, no padding. */
        public Series(ImageSopClass sopClass, String seriesInstanceUid, int seriesNumber,
                      String frameOfReferenceUid, double pixelSpacing, double sliceThickness) {
            this(sopClass, seriesInstanceUid, seriesNumber, frameOfReferenceUid, pixelSpacing, sliceThickness,
                    PixelEncoding.DEFAULT);
        }

        public Series {
            Objects.requireNonNull(sopClass, "sopClass");
            Objects.requireNonNull(encoding, "encoding");
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

    /**
     * How stored values encode modality values. Scanners differ here (12-bit detectors, CT stored
     * unsigned-offset with an intercept, padding outside the reconstruction circle), so a writer of
     * test data must be able to vary it.
     *
     * @param bitsStored BitsStored (0028,0101), 1..16; HighBit is one less, and every stored value
     *     must fit this many bits (two's complement for a signed SOP class)
     * @param rescaleIntercept RescaleIntercept (0028,1052): modality value = stored value + this
     *     (RescaleSlope is 1)
     * @param paddingValue PixelPaddingValue (0028,0120): the stored value of pixels outside the
     *     scanned field, or empty
     */
    public record PixelEncoding(int bitsStored, double rescaleIntercept, OptionalInt paddingValue) {

        /** 16 bits stored, modality value = stored value, no padding. */
        public static final PixelEncoding DEFAULT = new PixelEncoding(16, 0, OptionalInt.empty());

        public PixelEncoding {
            if (bitsStored < 1 || bitsStored > 16) {
                throw new IllegalArgumentException("BitsStored must be 1..16, got " + bitsStored);
            }
            if (!Double.isFinite(rescaleIntercept)) {
                throw new IllegalArgumentException("RescaleIntercept must be finite, got " + rescaleIntercept);
            }
            Objects.requireNonNull(paddingValue, "paddingValue");
        }

        /** The smallest stored value of {@code sopClass} in this many bits. */
        public int minStoredValue(ImageSopClass sopClass) {
            return sopClass.pixelRepresentation() == 1 ? -(1 << (bitsStored - 1)) : 0;
        }

        /** The largest stored value of {@code sopClass} in this many bits. */
        public int maxStoredValue(ImageSopClass sopClass) {
            return sopClass.pixelRepresentation() == 1 ? (1 << (bitsStored - 1)) - 1 : (1 << bitsStored) - 1;
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
        requireStoredValuesFit(series, frames);
        frames = List.copyOf(frames);
        if (!(windowWidth > 0)) {
            throw new IllegalArgumentException("WindowWidth must be positive, got " + windowWidth);
        }
    }

    /** Below 16 bits, the bits above BitsStored must be free: a value there would be read as another. */
    private static void requireStoredValuesFit(Series series, List<short[]> frames) {
        PixelEncoding encoding = series.encoding();
        if (encoding.bitsStored() == 16) {
            return;
        }
        boolean signed = series.sopClass().pixelRepresentation() == 1;
        int min = encoding.minStoredValue(series.sopClass());
        int max = encoding.maxStoredValue(series.sopClass());
        for (short[] frame : frames) {
            for (short cell : frame) {
                int value = signed ? cell : cell & 0xFFFF;
                if (value < min || value > max) {
                    throw new IllegalArgumentException("stored value " + value + " does not fit BitsStored "
                            + encoding.bitsStored() + " (" + min + ".." + max + ")");
                }
            }
        }
    }

    private static void requireUid(String name, String uid) {
        if (!DicomUid.isValid(uid)) {
            throw new IllegalArgumentException(name + " is not a valid DICOM UID: " + uid);
        }
    }
}
