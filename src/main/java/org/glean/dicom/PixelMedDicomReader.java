package org.glean.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClassDescriptions;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * {@link DicomReader} on PixelMed. PixelMed only ever parses a file that
 * {@link Part10StructureValidator} has walked, and only up to where that walk says the dataset
 * ends, so that every length PixelMed allocates for is known to be backed by bytes. On top of the
 * structure this checks what PixelMed does not: UIDs, text values, the Image Pixel attributes, and
 * that the transfer syntax, SOP class and pixel format are ones Glean analyses. Stateless, so one
 * instance serves concurrent callers.
 */
public final class PixelMedDicomReader implements DicomReader {

    private static final Pattern DECIMAL_STRING =
            Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern INTEGER_STRING = Pattern.compile("[+-]?[0-9]{1,10}");
    private static final String MONOCHROME1 = "MONOCHROME1";
    private static final String MONOCHROME2 = "MONOCHROME2";
    // Source Application Entity Title (0002,0016) of de-identified copies: Glean wrote them.
    private static final String DEIDENTIFIER_AE_TITLE = "GLEAN";

    private final DicomReadLimits limits;
    private final Part10StructureValidator validator;

    public PixelMedDicomReader() {
        this(DicomReadLimits.defaults());
    }

    public PixelMedDicomReader(DicomReadLimits limits) {
        this.limits = limits;
        this.validator = new Part10StructureValidator(limits);
    }

    @Override
    public DicomHeader readHeader(Path part10) throws MalformedDicomException, UnsupportedDicomException {
        return inspect(part10).header();
    }

    @Override
    public DecodedImage decode(Path part10) throws MalformedDicomException, UnsupportedDicomException {
        Inspection inspection = inspect(part10);
        DicomHeader header = inspection.header();
        StoredValueMapping mapping = mapping(header);
        List<float[]> frames = new ArrayList<>(header.numberOfFrames());
        forEachFrame(part10, inspection, IntStream.range(0, header.numberOfFrames()).toArray(), cells -> {
            float[] values = new float[cells.length];
            mapping.apply(cells, values);
            frames.add(values);
        });
        return new DecodedImage(header, frames);
    }

    @Override
    public NativeFrames readNativeFrames(Path part10, List<Integer> frameNumbers)
            throws MalformedDicomException, UnsupportedDicomException {
        Inspection inspection = inspect(part10);
        DicomHeader header = inspection.header();
        int[] indices = new int[frameNumbers.size()];
        for (int i = 0; i < indices.length; i++) {
            int number = frameNumbers.get(i);
            if (number < 1 || number > header.numberOfFrames()) {
                throw new IllegalArgumentException("frame " + number + " is not 1 to " + header.numberOfFrames());
            }
            indices[i] = number - 1;
        }
        List<byte[]> frames = new ArrayList<>(indices.length);
        forEachFrame(part10, inspection, indices, cells -> frames.add(NativeFrames.encode(cells,
                header.bitsAllocated(), header.bitsStored(), header.pixelRepresentation() == 1)));
        return new NativeFrames(header, frames);
    }

    @Override
    public Map<String, Object> readMetadata(Path part10) throws MalformedDicomException, UnsupportedDicomException {
        AttributeList attributes = parse(part10, validator.validate(part10), TagFromName.PixelData);
        try {
            return DicomJson.of(attributes);
        } catch (DicomException e) {
            throw new MalformedDicomException("the dataset could not be read as values (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    /** Receives one frame's cells as the file or the codec hands them over; the array is reused. */
    @FunctionalInterface
    private interface FrameCells {
        void accept(int[] cells);
    }

    /** Hands over the cells of the frames at {@code indices} (from 0), in that order. */
    private static void forEachFrame(Path part10, Inspection inspection, int[] indices, FrameCells sink)
            throws MalformedDicomException {
        if (readableInPlace(inspection.structure())) {
            framesInPlace(part10, inspection, indices, sink);
        } else {
            frames(parse(part10, inspection.structure(), null), inspection, indices, sink);
        }
    }

    @Override
    public void writeDeidentified(Path part10, OutputStream out, UidPseudonyms pseudonyms)
            throws MalformedDicomException, UnsupportedDicomException, IOException {
        AttributeList attributes = parse(part10, validator.validate(part10), null);
        try {
            attributes.removeMetaInformationHeaderAttributes();
            attributes.removeGroupLengthAttributes();
            ConfidentialityProfile.apply(attributes, pseudonyms);
            FileMetaInformation.addFileMetaInformation(attributes,
                    com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, DEIDENTIFIER_AE_TITLE);
            attributes.write(out, com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        } catch (DicomException e) {
            // parsed whole above, so what is left is a value PixelMed cannot encode again
            throw new MalformedDicomException("the de-identified copy could not be encoded ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private record Inspection(Part10Structure structure, DicomHeader header, int highBit) {
    }

    /** Everything but pixel decoding: structure, then header attributes, then what Glean supports. */
    private Inspection inspect(Path part10) throws MalformedDicomException, UnsupportedDicomException {
        Part10Structure structure = validator.validate(part10);
        AttributeList attributes = parse(part10, structure, TagFromName.PixelData);
        checkText(attributes);
        Inspection inspection = new Inspection(structure, header(attributes, structure),
                integer(attributes, TagFromName.HighBit, -1));
        checkSupported(inspection);
        return inspection;
    }

    /**
     * PixelMed's parse of the validated bytes, up to {@code stopAt} (the header alone) or whole,
     * with compressed Pixel Data decompressed.
     */
    private static AttributeList parse(Path file, Part10Structure structure, AttributeTag stopAt)
            throws MalformedDicomException {
        try (InputStream in = new PrefixInputStream(Files.newInputStream(file), structure.datasetEnd())) {
            DicomInputStream dicom = new DicomInputStream(new BufferedInputStream(in, 1 << 16));
            AttributeList attributes = new AttributeList();
            if (stopAt == null) {
                attributes.read(dicom);
            } else {
                attributes.read(dicom, stopAt);
            }
            return attributes;
        } catch (DicomException | IOException | RuntimeException e) {
            // The structure is already validated, so what is left is PixelMed rejecting content. For
            // Pixel Data that is a compressed bitstream its codec cannot decode, and the codec's
            // message helps; a header parse failure could quote a value, so only its kind is given.
            if (stopAt == null) {
                throw new MalformedDicomException("Pixel Data could not be decoded as "
                        + structure.transferSyntax().label() + ": " + e.getMessage(), e);
            }
            throw new MalformedDicomException("the dataset could not be parsed (" + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    private static void checkText(AttributeList attributes) throws MalformedDicomException {
        for (Attribute attribute : attributes.values()) {
            if (attribute instanceof SequenceAttribute sequence) {
                for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                    checkText(sequence.getItem(i).getAttributeList());
                }
                continue;
            }
            String vr = attribute.getVRAsString();
            if (!DicomTextRules.appliesTo(vr)) {
                continue;
            }
            Optional<String> violation;
            try {
                String[] values = attribute instanceof StringAttribute ? attribute.getOriginalStringValues()
                        : attribute.getStringValues();
                violation = DicomTextRules.violation(vr, values == null ? new String[0] : values);
            } catch (DicomException e) {
                violation = Optional.of("cannot be decoded as text");
            }
            if (violation.isPresent()) {
                throw new MalformedDicomException(name(attribute.getTag()) + " " + violation.get());
            }
        }
    }

    private static DicomHeader header(AttributeList attributes, Part10Structure structure)
            throws MalformedDicomException {
        Part10Structure.PixelLayout layout = structure.layout();
        double[] spacing = decimals(attributes, TagFromName.PixelSpacing);
        if (spacing.length != 0 && spacing.length != 2) {
            throw new MalformedDicomException(name(TagFromName.PixelSpacing) + " has " + spacing.length
                    + (spacing.length == 1 ? " value" : " values") + "; it needs 2 (between rows, between columns)");
        }
        double[] windowCenter = decimals(attributes, TagFromName.WindowCenter);
        double[] windowWidth = decimals(attributes, TagFromName.WindowWidth);
        return new DicomHeader(
                structure.transferSyntax().uid(),
                uid(attributes, TagFromName.SOPClassUID),
                uid(attributes, TagFromName.SOPInstanceUID),
                uid(attributes, TagFromName.StudyInstanceUID),
                uid(attributes, TagFromName.SeriesInstanceUID),
                Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.Modality),
                integer(attributes, TagFromName.SeriesNumber, 0),
                integer(attributes, TagFromName.InstanceNumber, 0),
                layout.rows(),
                layout.columns(),
                layout.numberOfFrames(),
                layout.samplesPerPixel(),
                layout.bitsAllocated(),
                integer(attributes, TagFromName.BitsStored, 0),
                integer(attributes, TagFromName.PixelRepresentation, 0),
                Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.PhotometricInterpretation),
                singleDecimal(attributes, TagFromName.RescaleSlope, 1),
                singleDecimal(attributes, TagFromName.RescaleIntercept, 0),
                windowCenter.length == 0 ? Double.NaN : windowCenter[0],
                windowWidth.length == 0 ? Double.NaN : windowWidth[0],
                spacing.length == 0 ? Double.NaN : spacing[0],
                spacing.length == 0 ? Double.NaN : spacing[1]);
    }

    private void checkSupported(Inspection inspection) throws MalformedDicomException, UnsupportedDicomException {
        DicomHeader header = inspection.header();
        TransferSyntax transferSyntax = inspection.structure().transferSyntax();
        if (!transferSyntax.decodable()) {
            throw new UnsupportedDicomException("transfer syntax " + transferSyntax.label()
                    + " is not supported: Glean decodes uncompressed, deflated, RLE, JPEG lossless, JPEG baseline"
                    + " and JPEG 2000 Pixel Data", header);
        }
        if (inspection.structure().pixelData() == null) {
            throw new UnsupportedDicomException("SOP class " + header.sopClassUid() + sopClassName(header.sopClassUid())
                    + " instance has no Pixel Data (7FE0,0010): it is not an image Glean can analyse", header);
        }
        String photometric = header.photometricInterpretation();
        if (photometric.isEmpty()) {
            throw new MalformedDicomException(name(TagFromName.PhotometricInterpretation) + " is missing");
        }
        if (!photometric.equals(MONOCHROME1) && !photometric.equals(MONOCHROME2)) {
            throw new UnsupportedDicomException("PhotometricInterpretation " + photometric
                    + " is not supported: Glean analyses MONOCHROME1 and MONOCHROME2 images", header);
        }
        if (header.samplesPerPixel() != 1) {
            throw new MalformedDicomException(name(TagFromName.SamplesPerPixel) + " is " + header.samplesPerPixel()
                    + ", but " + photometric + " has 1 sample per pixel");
        }
        if (header.bitsAllocated() != 8 && header.bitsAllocated() != 16) {
            throw new UnsupportedDicomException(name(TagFromName.BitsAllocated) + " " + header.bitsAllocated()
                    + " is not supported: Glean decodes 8- and 16-bit pixel cells", header);
        }
        if (header.bitsStored() < 1 || header.bitsStored() > header.bitsAllocated()) {
            throw new MalformedDicomException(name(TagFromName.BitsStored) + " is " + header.bitsStored()
                    + "; it must be 1 to BitsAllocated (" + header.bitsAllocated() + ")");
        }
        if (inspection.highBit() >= 0 && inspection.highBit() != header.bitsStored() - 1) {
            throw new UnsupportedDicomException(name(TagFromName.HighBit) + " " + inspection.highBit()
                    + " with BitsStored " + header.bitsStored()
                    + " is not supported: Glean reads stored values that start at bit 0", header);
        }
        if (header.pixelRepresentation() != 0 && header.pixelRepresentation() != 1) {
            throw new MalformedDicomException(name(TagFromName.PixelRepresentation) + " is "
                    + header.pixelRepresentation() + "; it must be 0 (unsigned) or 1 (two's complement)");
        }
        long pixels = inspection.structure().layout().pixelCount();
        if (pixels > limits.maxDecodedPixels()) {
            throw new UnsupportedDicomException(String.format(
                    "Rows × Columns × NumberOfFrames = %d × %d × %d = %d pixels, more than the decoding limit of %d",
                    header.rows(), header.columns(), header.numberOfFrames(), pixels, limits.maxDecodedPixels()),
                    header);
        }
    }

    /**
     * Whether Pixel Data can be read straight from the file: native (not encapsulated, not
     * deflated) with its cells in order. In little endian every VR lays them out in order; in
     * big endian OW swaps the bytes of each word and OB does not, so only 16-bit cells in OW and
     * 8-bit cells in OB are.
     */
    private static boolean readableInPlace(Part10Structure structure) {
        Part10Structure.PixelData pixels = structure.pixelData();
        TransferSyntax.Encoding encoding = structure.transferSyntax().encoding();
        boolean cellsInOrder = encoding.byteOrder == ByteOrder.LITTLE_ENDIAN
                || "OW".equals(pixels.vr()) && structure.layout().bitsAllocated() == 16
                || "OB".equals(pixels.vr()) && structure.layout().bitsAllocated() == 8;
        return !pixels.encapsulated() && !encoding.deflated && cellsInOrder;
    }

    // The walk found where the value starts and checked its length against Rows × Columns ×
    // NumberOfFrames × BitsAllocated, so each frame is there to read, no toolkit copies.
    private static void framesInPlace(Path file, Inspection inspection, int[] indices, FrameCells sink) {
        DicomHeader header = inspection.header();
        int cellsPerFrame = header.rows() * header.columns();
        int bytesPerCell = header.bitsAllocated() / 8;
        ByteBuffer frameBytes = ByteBuffer.allocate(cellsPerFrame * bytesPerCell)
                .order(inspection.structure().transferSyntax().encoding().byteOrder);
        short[] words = new short[bytesPerCell == 2 ? cellsPerFrame : 0];
        int[] cells = new int[cellsPerFrame];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long pixelData = inspection.structure().pixelData().valueOffset();
            for (int frame : indices) {
                long position = pixelData + (long) frame * frameBytes.capacity();
                frameBytes.clear();
                while (frameBytes.hasRemaining()) {
                    int read = channel.read(frameBytes, position);
                    if (read < 0) {
                        throw new IOException("the file ended inside Pixel Data it was validated to hold");
                    }
                    position += read;
                }
                if (bytesPerCell == 2) {
                    frameBytes.flip().asShortBuffer().get(words);
                    for (int i = 0; i < cellsPerFrame; i++) {
                        cells[i] = words[i] & 0xFFFF;
                    }
                } else {
                    byte[] bytes = frameBytes.array();
                    for (int i = 0; i < cellsPerFrame; i++) {
                        cells[i] = bytes[i] & 0xFF;
                    }
                }
                sink.accept(cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static StoredValueMapping mapping(DicomHeader header) {
        return new StoredValueMapping(header.bitsStored(), header.pixelRepresentation() == 1,
                MONOCHROME1.equals(header.photometricInterpretation()), header.rescaleSlope(),
                header.rescaleIntercept());
    }

    private static void frames(AttributeList attributes, Inspection inspection, int[] indices, FrameCells sink)
            throws MalformedDicomException {
        DicomHeader header = inspection.header();
        String syntax = inspection.structure().transferSyntax().label();
        int rows = header.rows();
        int columns = header.columns();
        try {
            SourceImage image = new SourceImage(attributes);
            if (image.getNumberOfBufferedImages() != header.numberOfFrames()) {
                // PixelMed logs a codec failure and carries on without the frames it could not decode.
                throw new MalformedDicomException(String.format(
                        "Pixel Data could not be decoded as %s: it yields %d frames, but NumberOfFrames (0028,0008)"
                                + " is %d", syntax, image.getNumberOfBufferedImages(), header.numberOfFrames()));
            }
            int[] cells = new int[rows * columns];
            for (int frame : indices) {
                // SourceImage hands 16-bit cells over unsigned whatever PixelRepresentation says;
                // the sink restores the sign from BitsStored.
                Raster raster = image.getBufferedImage(frame).getRaster();
                if (raster.getWidth() != columns || raster.getHeight() != rows) {
                    throw new MalformedDicomException(String.format(
                            "frame %d decodes to %d × %d pixels, but Columns × Rows is %d × %d", frame + 1,
                            raster.getWidth(), raster.getHeight(), columns, rows));
                }
                raster.getSamples(0, 0, columns, rows, 0, cells);
                sink.accept(cells);
            }
        } catch (DicomException | RuntimeException e) {
            // Codec failures on untrusted bitstreams surface as any runtime exception.
            throw new MalformedDicomException("Pixel Data could not be decoded as " + syntax + ": " + e, e);
        }
    }

    private static String uid(AttributeList attributes, AttributeTag tag) throws MalformedDicomException {
        String value = Attribute.getSingleStringValueOrEmptyString(attributes, tag);
        if (value.isEmpty()) {
            throw new MalformedDicomException(name(tag) + " is missing");
        }
        if (attributes.get(tag).getVM() != 1 || !DicomUid.isValid(value)) {
            throw new MalformedDicomException(name(tag) + " is not a valid UID: a UID is 1 to 64 characters of"
                    + " digits and dots, with no component starting with 0 unless it is 0");
        }
        return value;
    }

    private static int integer(AttributeList attributes, AttributeTag tag, int absent) throws MalformedDicomException {
        String[] values = strings(attributes, tag);
        if (values.length == 0) {
            return absent;
        }
        String value = values[0].strip();
        if (!INTEGER_STRING.matcher(value).matches()) {
            throw new MalformedDicomException(name(tag) + " is not an integer");
        }
        long parsed = Long.parseLong(value);
        if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
            throw new MalformedDicomException(name(tag) + " is out of range for an integer string");
        }
        return (int) parsed;
    }

    private static double singleDecimal(AttributeList attributes, AttributeTag tag, double absent)
            throws MalformedDicomException {
        double[] values = decimals(attributes, tag);
        return values.length == 0 ? absent : values[0];
    }

    private static double[] decimals(AttributeList attributes, AttributeTag tag) throws MalformedDicomException {
        String[] values = strings(attributes, tag);
        double[] parsed = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            String value = values[i].strip();
            if (!DECIMAL_STRING.matcher(value).matches()) {
                throw new MalformedDicomException(name(tag) + " is not a decimal string");
            }
            parsed[i] = Double.parseDouble(value);
        }
        return parsed;
    }

    /** Values as strings; numbers of binary VRs (US, SS...) come back in decimal. */
    private static String[] strings(AttributeList attributes, AttributeTag tag) throws MalformedDicomException {
        Attribute attribute = attributes.get(tag);
        if (attribute == null || attribute.getVM() == 0) {
            return new String[0];
        }
        try {
            return attribute.getStringValues();
        } catch (DicomException e) {
            throw new MalformedDicomException(name(tag) + " cannot be read as a value", e);
        }
    }

    private static String sopClassName(String sopClassUid) {
        String description = SOPClassDescriptions.getDescriptionFromUID(sopClassUid);
        return description == null || description.isEmpty() ? "" : " (" + description + ")";
    }

    /** "Keyword (gggg,eeee)" for standard elements, "(gggg,eeee)" for others. */
    private static String name(AttributeTag tag) {
        String keyword = AttributeList.getDictionary().getNameFromTag(tag);
        String formatted = DicomTag.format(tag.getGroup(), tag.getElement());
        return keyword == null ? "element " + formatted : keyword + " " + formatted;
    }

    /** The first {@code length} bytes of a stream, so the toolkit never reads past the validated dataset. */
    private static final class PrefixInputStream extends FilterInputStream {

        private long left;

        PrefixInputStream(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
