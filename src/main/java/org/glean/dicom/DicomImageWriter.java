package org.glean.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SignedShortAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a {@link MonochromeInstance} as a DICOM Part-10 file in Explicit VR Little Endian: CT
 * Image Storage (16-bit signed HU) or Digital X-Ray Image Storage – For Presentation (16-bit
 * unsigned), with the modules those IODs require; the series' {@link
 * MonochromeInstance.PixelEncoding} may store fewer bits, an intercept and a padding value.
 * PixelMed's AttributeList does the encoding.
 */
public final class DicomImageWriter {

    private static final String SOURCE_AE_TITLE = "GLEAN";
    private static final String STUDY_TIME = "120000";
    private static final String MANUFACTURER = "Glean synthetic phantom";
    // Not among the constants of the packaged PixelMed's TagFromName; its dictionary knows their VRs.
    private static final AttributeTag KVP = new AttributeTag(0x0018, 0x0060);
    private static final AttributeTag PIXEL_INTENSITY_RELATIONSHIP = new AttributeTag(0x0028, 0x1040);
    private static final AttributeTag PIXEL_INTENSITY_RELATIONSHIP_SIGN = new AttributeTag(0x0028, 0x1041);
    private static final AttributeTag DETECTOR_TYPE = new AttributeTag(0x0018, 0x7004);
    private static final AttributeTag POSITIONER_TYPE = new AttributeTag(0x0018, 0x1508);
    private static final AttributeTag VIEW_CODE_SEQUENCE = new AttributeTag(0x0054, 0x0220);
    private static final AttributeTag PAGE_NUMBER_VECTOR = new AttributeTag(0x0018, 0x2001);

    /**
     * Writes {@code instance} to {@code file}: into a temporary file beside it, then moved into
     * place, so a reader never sees half a file.
     */
    public void write(MonochromeInstance instance, Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path partial = Files.createTempFile(directory, ".writing-", ".dcm");
        try {
            attributes(instance).write(partial.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (DicomException e) {
            throw new IOException("cannot encode SOPInstanceUID " + instance.sopInstanceUid() + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The dataset with its file meta information, as it will be written. */
    AttributeList attributes(MonochromeInstance instance) throws DicomException {
        MonochromeInstance.Study study = instance.study();
        MonochromeInstance.Series series = instance.series();
        ImageSopClass sopClass = series.sopClass();
        AttributeList list = new AttributeList();

        // SOP Common
        put(list, TagFromName.SOPClassUID, sopClass.uid());
        put(list, TagFromName.SOPInstanceUID, instance.sopInstanceUid());

        // Patient: synthetic by contract of MonochromeInstance.Study
        put(list, TagFromName.PatientName, study.patientName());
        put(list, TagFromName.PatientID, study.patientId());
        put(list, TagFromName.PatientBirthDate);
        put(list, TagFromName.PatientSex, "O");

        // General Study
        put(list, TagFromName.StudyInstanceUID, study.studyInstanceUid());
        put(list, TagFromName.StudyDate, study.studyDate());
        put(list, TagFromName.StudyTime, STUDY_TIME);
        put(list, TagFromName.ReferringPhysicianName);
        put(list, TagFromName.StudyID, study.studyId());
        put(list, TagFromName.AccessionNumber);

        // General Series, General Equipment, General Image
        put(list, TagFromName.Modality, sopClass.modality());
        put(list, TagFromName.SeriesInstanceUID, series.seriesInstanceUid());
        put(list, TagFromName.SeriesNumber, Integer.toString(series.seriesNumber()));
        put(list, TagFromName.BodyPartExamined, "CHEST");
        put(list, TagFromName.Manufacturer, MANUFACTURER);
        put(list, TagFromName.InstanceNumber, Integer.toString(instance.instanceNumber()));
        put(list, TagFromName.ContentDate, study.studyDate());
        put(list, TagFromName.ContentTime, STUDY_TIME);
        put(list, TagFromName.BurnedInAnnotation, "NO");
        put(list, TagFromName.LossyImageCompression, "00");

        switch (sopClass) {
            case CT_IMAGE -> putCtImageModules(list, instance);
            case DIGITAL_XRAY_FOR_PRESENTATION -> putDxImageModules(list, series);
            case MULTIFRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE -> putMultiFrameSecondaryCaptureModules(list, instance);
        }
        MonochromeInstance.PixelEncoding encoding = series.encoding();
        put(list, TagFromName.RescaleIntercept, decimal(encoding.rescaleIntercept()));
        put(list, TagFromName.RescaleSlope, "1");

        // VOI LUT
        put(list, TagFromName.WindowCenter, decimal(instance.windowCenter()));
        put(list, TagFromName.WindowWidth, decimal(instance.windowWidth()));

        // Image Pixel
        put(list, TagFromName.SamplesPerPixel, 1);
        put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        put(list, TagFromName.Rows, instance.rows());
        put(list, TagFromName.Columns, instance.columns());
        put(list, TagFromName.BitsAllocated, 16);
        put(list, TagFromName.BitsStored, encoding.bitsStored());
        put(list, TagFromName.HighBit, encoding.bitsStored() - 1);
        put(list, TagFromName.PixelRepresentation, sopClass.pixelRepresentation());
        if (encoding.paddingValue().isPresent()) {
            // US or SS as the pixels are: the dictionary cannot tell which
            Attribute padding = sopClass.pixelRepresentation() == 1
                    ? new SignedShortAttribute(TagFromName.PixelPaddingValue)
                    : new UnsignedShortAttribute(TagFromName.PixelPaddingValue);
            padding.addValue(encoding.paddingValue().getAsInt());
            list.put(padding);
        }
        OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(concatenate(instance));
        list.put(pixelData);

        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE);
        return list;
    }

    /** General Series (CT), Frame of Reference, Image Plane (axial, centred on the image) and CT Image. */
    private static void putCtImageModules(AttributeList list, MonochromeInstance instance) throws DicomException {
        MonochromeInstance.Series series = instance.series();
        String spacing = decimal(series.pixelSpacing());
        put(list, TagFromName.PatientPosition, "HFS");
        put(list, TagFromName.FrameOfReferenceUID, series.frameOfReferenceUid());
        put(list, TagFromName.PositionReferenceIndicator);
        put(list, TagFromName.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        put(list, TagFromName.PixelSpacing, spacing, spacing);
        put(list, TagFromName.ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
        put(list, TagFromName.ImagePositionPatient,
                decimal(-series.pixelSpacing() * instance.columns() / 2),
                decimal(-series.pixelSpacing() * instance.rows() / 2),
                decimal(instance.slicePosition()));
        put(list, TagFromName.SliceThickness, decimal(series.sliceThickness()));
        put(list, TagFromName.SliceLocation, decimal(instance.slicePosition()));
        put(list, KVP, "120");
        put(list, TagFromName.AcquisitionNumber, "1");
    }

    /** DX Series, DX Anatomy Imaged, DX Image, DX Detector and DX Positioning of a PA chest. */
    private static void putDxImageModules(AttributeList list, MonochromeInstance.Series series) throws DicomException {
        String spacing = decimal(series.pixelSpacing());
        put(list, TagFromName.PresentationIntentType, "FOR PRESENTATION");
        put(list, TagFromName.ImageType, "ORIGINAL", "PRIMARY");
        put(list, TagFromName.PatientOrientation, "L", "F");
        put(list, TagFromName.ImageLaterality, "U");
        list.put(codeSequence(TagFromName.AnatomicRegionSequence, "51185008", "Chest"));
        put(list, PIXEL_INTENSITY_RELATIONSHIP, "LIN");
        put(list, PIXEL_INTENSITY_RELATIONSHIP_SIGN, "1");
        put(list, TagFromName.RescaleType, "US");
        put(list, TagFromName.PresentationLUTShape, "IDENTITY");
        put(list, TagFromName.ImagerPixelSpacing, spacing, spacing);
        put(list, TagFromName.PixelSpacing, spacing, spacing);
        put(list, DETECTOR_TYPE, "DIRECT");
        put(list, TagFromName.ViewPosition, "PA");
        list.put(codeSequence(VIEW_CODE_SEQUENCE, "399348003", "postero-anterior"));
        put(list, POSITIONER_TYPE);
        list.put(new SequenceAttribute(TagFromName.AcquisitionContextSequence));
    }

    /** SC Equipment (a synthetic image), Multi-frame and SC Multi-frame Image. */
    private static void putMultiFrameSecondaryCaptureModules(AttributeList list, MonochromeInstance instance)
            throws DicomException {
        put(list, TagFromName.ConversionType, "SYN");
        put(list, TagFromName.PatientOrientation);
        put(list, TagFromName.NumberOfFrames, Integer.toString(instance.frames().size()));
        AttributeTagAttribute pointer = new AttributeTagAttribute(TagFromName.FrameIncrementPointer);
        pointer.addValue(PAGE_NUMBER_VECTOR);
        list.put(pointer);
        Attribute pages = AttributeFactory.newAttribute(PAGE_NUMBER_VECTOR);
        for (int page = 1; page <= instance.frames().size(); page++) {
            pages.addValue(Integer.toString(page));
        }
        list.put(pages);
        put(list, TagFromName.RescaleType, "US");
        put(list, TagFromName.PresentationLUTShape, "IDENTITY");
    }

    /** A sequence of one SNOMED CT code. */
    private static SequenceAttribute codeSequence(AttributeTag tag, String sctCode, String meaning)
            throws DicomException {
        AttributeList code = new AttributeList();
        put(code, TagFromName.CodeValue, sctCode);
        put(code, TagFromName.CodingSchemeDesignator, "SCT");
        put(code, TagFromName.CodeMeaning, meaning);
        SequenceAttribute sequence = new SequenceAttribute(tag);
        sequence.addItem(code);
        return sequence;
    }

    private static short[] concatenate(MonochromeInstance instance) {
        int frameLength = instance.rows() * instance.columns();
        short[] all = new short[frameLength * instance.frames().size()];
        for (int f = 0; f < instance.frames().size(); f++) {
            System.arraycopy(instance.frames().get(f), 0, all, f * frameLength, frameLength);
        }
        return all;
    }

    static void put(AttributeList list, AttributeTag tag, String... values) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag);
        for (String value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }

    private static void put(AttributeList list, AttributeTag tag, int value) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    /** A decimal string (DS) of at most 16 characters: rounded to 4 decimals, no exponent. */
    static String decimal(double value) {
        String text = BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        if (text.length() > 16) {
            throw new IllegalArgumentException("value does not fit a DICOM decimal string: " + value);
        }
        return text;
    }
}
