package org.glean.bench;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The instances a benchmark sends: axial CT slices of a simple phantom (air, a soft-tissue body,
 * two lungs), 16-bit signed HU, Explicit VR Little Endian, each a Part-10 file written by
 * PixelMed. Every call makes new UIDs (2.25 UUID-derived), so a server that stored an earlier set
 * stores these again rather than recognising them. The patient is synthetic.
 */
public final class BenchmarkInstances {

    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    private static final String SOURCE_AE_TITLE = "GLEANBENCH";

    private BenchmarkInstances() {
    }

    /** The files of one generated study, in instance order. */
    public record GeneratedStudy(String studyInstanceUid, List<Path> files) {
    }

    /**
     * Writes {@code count} CT instances of {@code size × size} pixels into {@code directory},
     * spread evenly over {@code studies} studies of one series each.
     */
    public static List<GeneratedStudy> write(Path directory, int count, int studies, int size) throws IOException {
        if (count < 1 || studies < 1 || studies > count || size < 16) {
            throw new IllegalArgumentException("need 1 ≤ studies ≤ count and size ≥ 16, got count " + count
                    + ", studies " + studies + ", size " + size);
        }
        Files.createDirectories(directory);
        List<GeneratedStudy> written = new ArrayList<>();
        int instanceIndex = 0;
        for (int study = 0; study < studies; study++) {
            String studyUid = newUid();
            String seriesUid = newUid();
            int slices = count / studies + (study < count % studies ? 1 : 0);
            List<Path> files = new ArrayList<>(slices);
            for (int slice = 0; slice < slices; slice++) {
                Path file = directory.resolve(String.format("s%03d-i%05d.dcm", study, slice));
                try {
                    slice(studyUid, seriesUid, slice, size).write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian,
                            true, true);
                } catch (DicomException e) {
                    throw new IOException("cannot encode benchmark instance " + instanceIndex + ": " + e.getMessage(), e);
                }
                files.add(file);
                instanceIndex++;
            }
            written.add(new GeneratedStudy(studyUid, List.copyOf(files)));
        }
        return written;
    }

    /** Total bytes of the files. */
    public static long totalBytes(List<GeneratedStudy> studies) throws IOException {
        long total = 0;
        for (GeneratedStudy study : studies) {
            for (Path file : study.files()) {
                total += Files.size(file);
            }
        }
        return total;
    }

    private static AttributeList slice(String studyUid, String seriesUid, int slice, int size) throws DicomException {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SOPClassUID, CT_IMAGE_STORAGE);
        put(list, TagFromName.SOPInstanceUID, newUid());
        put(list, TagFromName.PatientName, "Benchmark^Phantom");
        put(list, TagFromName.PatientID, "GLEAN-BENCH");
        put(list, TagFromName.StudyInstanceUID, studyUid);
        put(list, TagFromName.StudyID, "BENCH");
        put(list, TagFromName.StudyDate, "20260101");
        put(list, TagFromName.SeriesInstanceUID, seriesUid);
        put(list, TagFromName.SeriesNumber, "1");
        put(list, TagFromName.Modality, "CT");
        put(list, TagFromName.InstanceNumber, Integer.toString(slice + 1));
        put(list, TagFromName.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        String corner = Integer.toString(-size / 2);
        put(list, TagFromName.ImagePositionPatient, corner, corner, Integer.toString(slice));
        put(list, TagFromName.ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
        put(list, TagFromName.PixelSpacing, "1", "1");
        put(list, TagFromName.SliceThickness, "1");
        put(list, TagFromName.SamplesPerPixel, "1");
        put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        put(list, TagFromName.Rows, Integer.toString(size));
        put(list, TagFromName.Columns, Integer.toString(size));
        put(list, TagFromName.BitsAllocated, "16");
        put(list, TagFromName.BitsStored, "16");
        put(list, TagFromName.HighBit, "15");
        put(list, TagFromName.PixelRepresentation, "1");
        put(list, TagFromName.RescaleIntercept, "0");
        put(list, TagFromName.RescaleSlope, "1");
        put(list, TagFromName.WindowCenter, "40");
        put(list, TagFromName.WindowWidth, "400");
        OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(phantom(slice, size));
        list.put(pixelData);
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE_TITLE);
        return list;
    }

    // HU: air outside an elliptic body of soft tissue, two lungs that widen along the slices, and
    // a little deterministic texture so that neighbouring slices differ.
    private static short[] phantom(int slice, int size) {
        short[] pixels = new short[size * size];
        double half = size / 2.0;
        double lungRadius = size * (0.12 + 0.04 * Math.sin(slice / 40.0));
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double bodyX = (x - half) / (0.45 * size);
                double bodyY = (y - half) / (0.35 * size);
                int hu;
                if (bodyX * bodyX + bodyY * bodyY > 1) {
                    hu = -1000;
                } else if (Math.hypot(x - half * 0.6, y - half) < lungRadius
                        || Math.hypot(x - half * 1.4, y - half) < lungRadius) {
                    hu = -820;
                } else {
                    hu = 40;
                }
                pixels[y * size + x] = (short) (hu + (x * 31 + y * 17 + slice * 7) % 21 - 10);
            }
        }
        return pixels;
    }

    private static void put(AttributeList list, AttributeTag tag, String... values) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag);
        for (String value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }

    static String newUid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }
}
