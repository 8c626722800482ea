package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken files — each a real DCMTK-made file, then cut or patched — are rejected as malformed:
 * structural faults with the tag and byte offset at fault, before PixelMed parses anything;
 * corrupt compressed Pixel Data naming the transfer syntax its codec failed on.
 */
class PixelMedDicomReaderStructureTest {

    private static final SyntheticImage CT = SyntheticImage.signedCt();
    private static final SyntheticImage WORD_FRAMES = SyntheticImage.unsignedWordFrames();
    private static final String REFERENCED_IMAGE_SEQUENCE = """
            (0008,1140) SQ (Sequence with undefined length)
            (fffe,e000) na (Item with undefined length)
            (0008,1150) UI =CTImageStorage
            (0008,1155) UI [1.2.826.0.1.3680043.10.543.9]
            (fffe,e00d) na (ItemDelimitationItem)
            (fffe,e0dd) na (SequenceDelimitationItem)""";

    @TempDir
    static Path directory;
    private static Path ct;
    private static Path ctImplicit;
    private static Path ctBigEndian;
    private static Path ctDeflated;
    private static Path ctRle;
    private static Path wordFramesRle;
    private static Path ctWithSequence;

    private final DicomReader reader = new PixelMedDicomReader();

    @BeforeAll
    static void makeFiles() {
        ct = CT.write(directory);
        ctImplicit = ImagingTools.convert(ct, "ct-implicit.dcm", "dcmconv", "+ti");
        ctBigEndian = ImagingTools.convert(ct, "ct-big.dcm", "dcmconv", "+tb");
        ctDeflated = ImagingTools.convert(ct, "ct-deflated.dcm", "dcmconv", "+td");
        ctRle = ImagingTools.convert(ct, "ct-rle.dcm", "dcmcrle");
        wordFramesRle = ImagingTools.convert(WORD_FRAMES.write(directory), "words-rle.dcm", "dcmcrle");
        ctWithSequence = CT.write(directory, CT.dump().set(REFERENCED_IMAGE_SEQUENCE), "ct-sequence",
                "--length-undefined");
    }

    @Test
    void emptyFileIsMalformed() throws Exception {
        Path empty = Files.write(directory.resolve("empty.dcm"), new byte[0]);

        assertMalformed(empty, "the file is empty (0 bytes), not a DICOM Part-10 instance");
    }

    @Test
    void nonDicomBytesAreMalformed() throws Exception {
        Path text = Files.writeString(directory.resolve("notes.txt"), "not an image\n".repeat(40));

        assertMalformed(text, "not a DICOM Part-10 file: no 'DICM' prefix after the 128-byte preamble at offset 128");
    }

    @Test
    void fileShorterThanThePreambleIsMalformed() throws Exception {
        Path stub = Files.write(directory.resolve("stub.dcm"), new byte[100]);

        assertMalformed(stub,
                "not a DICOM Part-10 file: 100 bytes is too short for the 128-byte preamble and 'DICM' prefix");
    }

    @Test
    void truncatedFileNamesThePixelDataAndTheBytesThatRemain() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int pixelData = bytes.explicitLittleEndian(DicomTag.PIXEL_DATA, "OW");
        Path truncated = bytes.truncate(bytes.length() - 1000).write(directory.resolve("truncated.dcm"));

        assertMalformed(truncated,
                "element (7FE0,0010) at offset " + pixelData + " declares 6144 bytes but only 5144 remain");
    }

    @Test
    void elementLengthPastTheEndIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int seriesDescription = bytes.explicitLittleEndian(0x0008103E, "LO");
        Path patched = bytes.setUnsigned16(seriesDescription + 6, 0xFFF0).write(directory.resolve("past-end.dcm"));

        assertMalformed(patched, "element (0008,103E) at offset " + seriesDescription
                + " declares 65520 bytes but only " + (bytes.length() - seriesDescription - 8) + " remain");
    }

    @Test
    void hugeDeclaredLengthIsRejectedInEveryByteOrderWithoutAllocating() throws Exception {
        Part10Bytes explicit = Part10Bytes.of(ct);
        int explicitPixelData = explicit.explicitLittleEndian(DicomTag.PIXEL_DATA, "OW");
        explicit.setUnsigned32(explicitPixelData + 8, 4294967290L);
        Part10Bytes implicit = Part10Bytes.of(ctImplicit);
        int implicitPixelData = implicit.implicitLittleEndian(DicomTag.PIXEL_DATA);
        implicit.setUnsigned32(implicitPixelData + 4, 4294967290L);
        Part10Bytes bigEndian = Part10Bytes.of(ctBigEndian);
        int bigEndianPixelData = bigEndian.explicitBigEndian(DicomTag.PIXEL_DATA, "OW");
        bigEndian.setUnsigned32BigEndian(bigEndianPixelData + 8, 4294967290L);

        String declared = " declares 4294967290 bytes but only 6144 remain";
        assertMalformed(explicit.write(directory.resolve("huge-explicit.dcm")),
                "element (7FE0,0010) at offset " + explicitPixelData + declared);
        assertMalformed(implicit.write(directory.resolve("huge-implicit.dcm")),
                "element (7FE0,0010) at offset " + implicitPixelData + declared);
        assertMalformed(bigEndian.write(directory.resolve("huge-big.dcm")),
                "element (7FE0,0010) at offset " + bigEndianPixelData + declared);
    }

    @Test
    void elementLongerThanTheConfiguredLimitIsMalformed() throws Exception {
        DicomReader limited = new PixelMedDicomReader(new DicomReadLimits(4096, 1 << 20, 1 << 20));
        int pixelData = Part10Bytes.of(ct).explicitLittleEndian(DicomTag.PIXEL_DATA, "OW");

        assertThatThrownBy(() -> limited.decode(ct)).isInstanceOf(MalformedDicomException.class).hasMessage(
                "element (7FE0,0010) at offset " + pixelData
                        + " declares 6144 bytes, more than the limit of 4096 bytes for one element");
    }

    @Test
    void itemWithoutItsDelimitationIsAnUnterminatedSequence() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctWithSequence);
        int sequence = bytes.explicitLittleEndian(0x00081140, "SQ");
        int item = sequence + 12;
        int referencedInstance = bytes.explicitLittleEndian(0x00081155, "UI");
        int itemEnd = referencedInstance + 8 + bytes.unsigned16(referencedInstance + 6);
        Path truncated = bytes.truncate(itemEnd).write(directory.resolve("open-item.dcm"));

        assertMalformed(truncated, "item at offset " + item + " of sequence (0008,1140) is not terminated: the data"
                + " ends at offset " + itemEnd + " before its item delimitation item (FFFE,E00D)");
    }

    @Test
    void sequenceWithoutItsDelimitationIsUnterminated() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctWithSequence);
        int sequence = bytes.explicitLittleEndian(0x00081140, "SQ");
        int sequenceDelimitation = bytes.indexOf(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0});
        Path truncated = bytes.truncate(sequenceDelimitation).write(directory.resolve("open-sequence.dcm"));
        Path withoutDelimitation = Part10Bytes.of(ctWithSequence).remove(sequenceDelimitation, 8)
                .write(directory.resolve("undelimited-sequence.dcm"));

        assertMalformed(truncated, "sequence (0008,1140) at offset " + sequence + " is not terminated: the data ends"
                + " at offset " + sequenceDelimitation + " before its sequence delimitation item (FFFE,E0DD)");
        assertMalformed(withoutDelimitation, "sequence (0008,1140) at offset " + sequence + " is not terminated:"
                + " (0010,0010) at offset " + sequenceDelimitation + " is where an item or its sequence delimitation"
                + " item (FFFE,E0DD) was expected");
    }

    @Test
    void itemLongerThanItsSequenceIsMalformed() throws Exception {
        Path definedLengths = CT.write(directory, CT.dump().set(REFERENCED_IMAGE_SEQUENCE), "ct-defined-sequence");
        Part10Bytes bytes = Part10Bytes.of(definedLengths);
        int item = bytes.explicitLittleEndian(0x00081140, "SQ") + 12;
        long sequenceLength = bytes.unsigned32(item - 4);
        Path patched = bytes.setUnsigned32(item + 4, sequenceLength).write(directory.resolve("item-overrun.dcm"));

        assertMalformed(patched, "item (FFFE,E000) at offset " + item + " declares " + sequenceLength
                + " bytes but only " + (sequenceLength - 8) + " remain in the enclosing item");
    }

    @Test
    void sequencesNestedDeeperThanAnyRealObjectAreMalformed() throws Exception {
        StringBuilder nested = new StringBuilder();
        for (int depth = 0; depth < 40; depth++) {
            nested.append("(0040,a730) SQ (Sequence with undefined length)\n");
            nested.append("(fffe,e000) na (Item with undefined length)\n");
        }
        nested.append("(0040,a040) CS [TEXT]\n");
        nested.append("(fffe,e00d) na (ItemDelimitationItem)\n(fffe,e0dd) na (SequenceDelimitationItem)\n".repeat(40));
        Path deep = CT.write(directory, CT.dump().set(nested.toString().strip()), "ct-deep");

        assertThatThrownBy(() -> reader.decode(deep)).isInstanceOf(MalformedDicomException.class)
                .hasMessageContaining("is nested more than 32 sequences deep");
    }

    @Test
    void truncatedFragmentOfEncapsulatedPixelDataIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctRle);
        int pixelData = bytes.explicitLittleEndian(DicomTag.PIXEL_DATA, "OB");
        int fragment = pixelData + 20 + (int) bytes.unsigned32(pixelData + 16);
        long fragmentLength = bytes.unsigned32(fragment + 4);
        Path truncated = bytes.truncate(fragment + 8 + (int) fragmentLength - 100)
                .write(directory.resolve("rle-truncated.dcm"));

        assertMalformed(truncated, "item (FFFE,E000) at offset " + fragment + " declares " + fragmentLength
                + " bytes but only " + (fragmentLength - 100) + " remain");
    }

    @Test
    void encapsulatedPixelDataWithoutItsDelimitationIsUnterminated() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctRle);
        int pixelData = bytes.explicitLittleEndian(DicomTag.PIXEL_DATA, "OB");
        Path truncated = bytes.truncate(bytes.length() - 8).write(directory.resolve("rle-open.dcm"));

        assertMalformed(truncated, "encapsulated Pixel Data (7FE0,0010) at offset " + pixelData
                + " is not terminated: the data ends at offset " + (bytes.length()) + " before its sequence"
                + " delimitation item (FFFE,E0DD)");
    }

    @Test
    void fewerFragmentsThanFramesIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(wordFramesRle);
        int numberOfFrames = bytes.explicitLittleEndian(DicomTag.NUMBER_OF_FRAMES, "IS");
        int pixelData = bytes.explicitLittleEndian(DicomTag.PIXEL_DATA, "OB");
        Path patched = bytes.set(numberOfFrames + 8, "4 ").write(directory.resolve("rle-frames.dcm"));

        assertMalformed(patched, "encapsulated Pixel Data (7FE0,0010) at offset " + pixelData
                + " has 3 fragments for NumberOfFrames 4; every frame needs at least one");
    }

    @Test
    void definedLengthPixelDataInAnEncapsulatedSyntaxIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctRle);
        int pixelData = bytes.explicitLittleEndian(DicomTag.PIXEL_DATA, "OB");
        Path patched = bytes.setUnsigned32(pixelData + 8, bytes.length() - pixelData - 12)
                .write(directory.resolve("rle-defined.dcm"));

        assertMalformed(patched, "Pixel Data (7FE0,0010) at offset " + pixelData + " has a defined length, but transfer"
                + " syntax 1.2.840.10008.1.2.5 (RLE Lossless) needs encapsulated Pixel Data of undefined length");
    }

    @Test
    void corruptRleSegmentsAreMalformedNamingTheTransferSyntax() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctRle);
        int pixelData = bytes.explicitLittleEndian(DicomTag.PIXEL_DATA, "OB");
        int rleHeader = pixelData + 28 + (int) bytes.unsigned32(pixelData + 16);
        // An RLE header that claims 15 segments, all starting past the end of the fragment.
        bytes.setUnsigned32(rleHeader, 15);
        for (int segment = 1; segment <= 15; segment++) {
            bytes.setUnsigned32(rleHeader + 4 * segment, 0xFFFFFFFFL);
        }
        Path corrupt = bytes.write(directory.resolve("rle-corrupt.dcm"));

        assertThatThrownBy(() -> reader.decode(corrupt)).isInstanceOf(MalformedDicomException.class)
                .hasMessageStartingWith("Pixel Data could not be decoded as 1.2.840.10008.1.2.5 (RLE Lossless): ");
    }

    @Test
    void corruptJpegBitstreamIsMalformedNamingTheTransferSyntax() throws Exception {
        Path jpeg = ImagingTools.convert(ct, "ct-jpeg.dcm", "dcmcjpeg", "+el");
        Part10Bytes bytes = Part10Bytes.of(jpeg);
        int pixelData = bytes.explicitLittleEndian(DicomTag.PIXEL_DATA, "OB");
        int codestream = pixelData + 28 + (int) bytes.unsigned32(pixelData + 16);
        Path corrupt = bytes.set(codestream, new byte[20]).write(directory.resolve("jpeg-corrupt.dcm"));

        assertThatThrownBy(() -> reader.decode(corrupt)).isInstanceOf(MalformedDicomException.class)
                .hasMessage("Pixel Data could not be decoded as 1.2.840.10008.1.2.4.57 (JPEG Lossless,"
                        + " Non-Hierarchical (Process 14)): it yields 0 frames, but NumberOfFrames (0028,0008) is 1");
    }

    @Test
    void invalidValueRepresentationIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int modality = bytes.explicitLittleEndian(0x00080060, "CS");
        Path patched = bytes.set(modality + 4, (byte) 0x00, (byte) 0x01).write(directory.resolve("bad-vr.dcm"));

        assertMalformed(patched, "element (0008,0060) at offset " + modality + " has an invalid VR (bytes 00 01)");
    }

    @Test
    void fileMetaInformationWithoutTransferSyntaxIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int transferSyntax = bytes.explicitLittleEndian(DicomTag.TRANSFER_SYNTAX_UID, "UI");
        Path patched = bytes.set(transferSyntax + 2, (byte) 0x11).write(directory.resolve("no-syntax.dcm"));

        assertMalformed(patched,
                "the file meta information has no TransferSyntaxUID (0002,0010), so the dataset cannot be read");
    }

    @Test
    void wrongFileMetaInformationGroupLengthIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int groupLength = bytes.explicitLittleEndian(DicomTag.FILE_META_INFORMATION_GROUP_LENGTH, "UL");
        long declared = bytes.unsigned32(groupLength + 8);
        Path patched = bytes.setUnsigned32(groupLength + 8, declared + 4).write(directory.resolve("meta-length.dcm"));

        assertMalformed(patched, "FileMetaInformationGroupLength (0002,0000) declares " + (declared + 4)
                + " bytes of file meta information, but its elements span " + declared + " bytes");
    }

    @Test
    void transferSyntaxUidWithPathCharactersIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int transferSyntax = bytes.explicitLittleEndian(DicomTag.TRANSFER_SYNTAX_UID, "UI");
        Path patched = bytes.set(transferSyntax + 8, "../").write(directory.resolve("syntax-path.dcm"));

        assertMalformed(patched, "TransferSyntaxUID (0002,0010) at offset " + transferSyntax + " is not a valid UID");
    }

    @Test
    void nativePixelDataShorterThanItsGeometryIsMalformedWithBothSizes() throws Exception {
        Path tooManyRows = CT.write(directory, CT.dump().set("(0028,0010) US 65"), "ct-rows");
        Path tooManyFrames = WORD_FRAMES.write(directory, WORD_FRAMES.dump().set("(0028,0008) IS [4]"), "words-frames");
        int ctPixelData = Part10Bytes.of(tooManyRows).explicitLittleEndian(DicomTag.PIXEL_DATA, "OW");
        int wordsPixelData = Part10Bytes.of(tooManyFrames).explicitLittleEndian(DicomTag.PIXEL_DATA, "OW");

        assertMalformed(tooManyRows, "Pixel Data (7FE0,0010) at offset " + ctPixelData + " holds 6144 bytes, but"
                + " Rows × Columns × NumberOfFrames × SamplesPerPixel × BitsAllocated/8 = 65 × 48 × 1 × 1 × 16/8"
                + " = 6240 bytes");
        assertMalformed(tooManyFrames, "Pixel Data (7FE0,0010) at offset " + wordsPixelData + " holds 7680 bytes, but"
                + " Rows × Columns × NumberOfFrames × SamplesPerPixel × BitsAllocated/8 = 32 × 40 × 4 × 1 × 16/8"
                + " = 10240 bytes");
    }

    @Test
    void deflatedDatasetInflatingPastTheLimitIsMalformed() throws Exception {
        DicomReader limited = new PixelMedDicomReader(new DicomReadLimits(1 << 20, 2000, 1 << 20));

        assertThatThrownBy(() -> limited.decode(ctDeflated)).isInstanceOf(MalformedDicomException.class)
                .hasMessageMatching("element \\(7FE0,0010\\) at offset \\d+ of the inflated dataset declares 6144 bytes"
                        + " but only \\d+ remain under the limit of 2000 bytes for an inflated dataset");
    }

    @Test
    void corruptDeflateStreamIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctDeflated);
        int groupLength = bytes.explicitLittleEndian(DicomTag.FILE_META_INFORMATION_GROUP_LENGTH, "UL");
        int datasetStart = groupLength + 12 + (int) bytes.unsigned32(groupLength + 8);
        // A deflate block header of 11 in its type bits is reserved, so no inflater accepts it.
        Path corrupt = bytes.set(datasetStart, (byte) 0xFF).write(directory.resolve("deflate-corrupt.dcm"));

        assertMalformed(corrupt, "the deflated dataset is corrupt: it does not inflate");
    }

    @Test
    void truncatedDeflateStreamIsMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ctDeflated);
        Path truncated = bytes.truncate(bytes.length() / 2).write(directory.resolve("deflate-truncated.dcm"));

        assertThatThrownBy(() -> reader.decode(truncated)).isInstanceOf(MalformedDicomException.class)
                .hasMessageMatching("the deflated dataset ends early: it stops at offset \\d+ of the inflated dataset,"
                        + " inside the element that starts at offset \\d+ of the inflated dataset");
    }

    @Test
    void strayBytesAfterTheDatasetAreMalformed() throws Exception {
        Part10Bytes bytes = Part10Bytes.of(ct);
        int end = bytes.length();
        Path patched = bytes.append("abc".getBytes(StandardCharsets.US_ASCII)).write(directory.resolve("stray.dcm"));

        assertMalformed(patched, "the data ends at offset " + (end + 3) + ", in the middle of an element tag that"
                + " starts at offset " + end);
    }

    @Test
    void trailingZeroPaddingIsNotPartOfTheDataset() throws Exception {
        Path padded = Part10Bytes.of(ct).append(new byte[4096]).write(directory.resolve("padded.dcm"));
        Part10Bytes junk = Part10Bytes.of(ct);
        int end = junk.length();
        Path notPadding = junk.append(new byte[8]).append("junk".getBytes(StandardCharsets.US_ASCII))
                .write(directory.resolve("not-padding.dcm"));

        assertThat(reader.decode(padded).frames()).usingRecursiveComparison().isEqualTo(reader.decode(ct).frames());
        assertMalformed(notPadding, "element (0000,0000) at offset " + end + " does not belong in a dataset, and the"
                + " bytes from there to the end of the file are not zero padding");
    }

    private void assertMalformed(Path file, String message) {
        assertThatThrownBy(() -> reader.readHeader(file)).isInstanceOf(MalformedDicomException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> reader.decode(file)).isInstanceOf(MalformedDicomException.class).hasMessage(message);
    }
}
