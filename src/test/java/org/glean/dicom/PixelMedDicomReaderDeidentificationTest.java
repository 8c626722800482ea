package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * De-identified copies of a real instance carrying {@link PatientDataFixture}'s attributes, in the
 * transfer syntaxes a PACS sends, as DCMTK's dcmdump reads them: nothing identifying left, the same
 * pixels, a valid Part-10 file that Glean reads again.
 */
class PixelMedDicomReaderDeidentificationTest {

    private static final SyntheticImage CT = SyntheticImage.signedCt();
    private static final String FRAME_OF_REFERENCE = SyntheticImage.UID_ROOT + ".4.7";
    private static final String REFERENCED_SOP = SyntheticImage.UID_ROOT + ".3.77";

    @TempDir
    Path directory;

    private final DicomReader reader = new PixelMedDicomReader();
    private final Map<String, String> pseudonyms = new HashMap<>();

    @ParameterizedTest
    @EnumSource(value = TransferSyntax.class, names = {"EXPLICIT_VR_LITTLE_ENDIAN", "IMPLICIT_VR_LITTLE_ENDIAN",
            "EXPLICIT_VR_BIG_ENDIAN", "RLE_LOSSLESS", "JPEG_LOSSLESS"})
    void theCopyHoldsTheSamePixelsAndNothingIdentifying(TransferSyntax syntax) throws Exception {
        Path original = identifiable(syntax);
        Path copy = directory.resolve("copy.dcm");

        try (OutputStream out = Files.newOutputStream(copy)) {
            reader.writeDeidentified(original, out, uids -> {
                uids.forEach(uid -> pseudonyms.computeIfAbsent(uid, o -> "2.25." + (7000 + pseudonyms.size())));
                return pseudonyms;
            });
        }

        String dump = ImagingTools.run(directory, "dcmdump", "+L", "-M", copy.getFileName().toString());
        for (String value : PatientDataFixture.values()) {
            assertThat(dump).as("dcmdump of the copy").doesNotContain(value);
        }
        for (String uid : List.of(SyntheticImage.STUDY_INSTANCE_UID, CT.seriesInstanceUid(), CT.sopInstanceUid(),
                FRAME_OF_REFERENCE, REFERENCED_SOP)) {
            assertThat(dump).as("dcmdump of the copy").doesNotContain(uid);
        }
        String sop = pseudonyms.get(CT.sopInstanceUid());
        assertThat(dump).contains("(0002,0003) UI [" + sop + "]", "(0008,0018) UI [" + sop + "]",
                "(0002,0010) UI =LittleEndianExplicit", "(0012,0062) CS [YES]", "(0010,0010) PN (no value available)",
                "(0028,0303) CS [REMOVED]", "(0008,0070) LO [ACME Medical]");

        DecodedImage decoded = reader.decode(copy);
        assertThat(decoded.header().studyInstanceUid()).isEqualTo(pseudonyms.get(SyntheticImage.STUDY_INSTANCE_UID));
        FrameAssertions.assertSameValues(decoded.frames().get(0), CT.expectedFrame(0), "the copy's frame");
    }

    private Path identifiable(TransferSyntax syntax) {
        DicomDump dump = CT.dump();
        PatientDataFixture.dumpEntries(FRAME_OF_REFERENCE, REFERENCED_SOP).forEach(dump::set);
        Path explicit = CT.write(directory, dump, "identifiable");
        String target = "identifiable-" + syntax.name().toLowerCase() + ".dcm";
        return switch (syntax) {
            case EXPLICIT_VR_LITTLE_ENDIAN -> explicit;
            case IMPLICIT_VR_LITTLE_ENDIAN -> ImagingTools.convert(explicit, target, "dcmconv", "+ti");
            case EXPLICIT_VR_BIG_ENDIAN -> ImagingTools.convert(explicit, target, "dcmconv", "+tb");
            case RLE_LOSSLESS -> ImagingTools.convert(explicit, target, "dcmcrle");
            case JPEG_LOSSLESS -> ImagingTools.convert(explicit, target, "dcmcjpeg", "+el");
            default -> throw new IllegalArgumentException("no recipe for " + syntax);
        };
    }
}
