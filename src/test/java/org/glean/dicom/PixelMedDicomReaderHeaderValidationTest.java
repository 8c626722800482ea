package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * UIDs, text values and the Image Pixel attributes of DCMTK-made files: a bad one is rejected as
 * malformed, naming the element and never quoting the value, which may be patient data.
 */
class PixelMedDicomReaderHeaderValidationTest {

    private static final SyntheticImage CT = SyntheticImage.signedCt();
    private static final String LONG_UID = "1." + "2".repeat(63);

    @TempDir
    Path directory;

    private final DicomReader reader = new PixelMedDicomReader();

    static Stream<Arguments> invalidUids() {
        return Stream.of(
                Arguments.of("(0008,0018) UI [../../etc/passwd]", "SOPInstanceUID (0008,0018) is not a valid UID"),
                Arguments.of("(0020,000d) UI [1.2.3/4]", "StudyInstanceUID (0020,000D) is not a valid UID"),
                Arguments.of("(0020,000e) UI [1.2.03.4]", "SeriesInstanceUID (0020,000E) is not a valid UID"),
                Arguments.of("(0008,0016) UI [1..2]", "SOPClassUID (0008,0016) is not a valid UID"),
                Arguments.of("(0008,0018) UI [1.2.3\\1.2.4]", "SOPInstanceUID (0008,0018) is not a valid UID"),
                Arguments.of("(0020,000d) UI [" + LONG_UID + "]", "StudyInstanceUID (0020,000D) has a value of 65"
                        + " characters, more than the 64 that VR UI allows"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUids")
    void invalidUidIsMalformedWithoutQuotingIt(String element, String message) {
        Path file = CT.write(directory, CT.dump().set(element), "bad-uid");
        String value = element.substring(element.indexOf('[') + 1, element.indexOf(']'));

        assertThatThrownBy(() -> reader.readHeader(file)).isInstanceOf(MalformedDicomException.class)
                .hasMessageStartingWith(message).message().doesNotContain(value);
    }

    @Test
    void missingSopClassUidIsMalformed() {
        Path file = CT.write(directory, CT.dump().remove("(0008,0016)"), "no-sop-class");

        assertThatThrownBy(() -> reader.decode(file)).isInstanceOf(MalformedDicomException.class)
                .hasMessage("SOPClassUID (0008,0016) is missing");
    }

    static Stream<Arguments> badTextValues() {
        return Stream.of(
                Arguments.of("(0008,103e) LO [head\001neck]",
                        "SeriesDescription (0008,103E) contains control character 0x01, which VR LO does not allow"),
                Arguments.of("(0010,0010) PN [Doe^Jane\tX]",
                        "PatientName (0010,0010) contains control character 0x09, which VR PN does not allow"),
                Arguments.of("(0008,103e) LO [" + "a".repeat(65) + "]", "SeriesDescription (0008,103E) has a value of"
                        + " 65 characters, more than the 64 that VR LO allows"),
                Arguments.of("(0010,0010) PN [" + "Doe".repeat(24) + "^Jane]",
                        "PatientName (0010,0010) has a value of 77 characters, more than the 64 that VR PN allows"),
                Arguments.of("(0008,0060) CS [COMPUTEDTOMOGRAPHY]",
                        "Modality (0008,0060) has a value of 18 characters, more than the 16 that VR CS allows"),
                Arguments.of("(0008,0020) DA [2024-01-31]",
                        "StudyDate (0008,0020) has a value of 10 characters, more than the 8 that VR DA allows"),
                Arguments.of("""
                        (0008,1032) SQ (Sequence with explicit length)
                        (fffe,e000) na (Item with explicit length)
                        (0008,0100) SH [CTHEAD]
                        (0008,0104) LO [CT head\u0007]
                        (fffe,e00d) na (ItemDelimitationItem for re-encoding)
                        (fffe,e0dd) na (SequenceDelimitationItem for re-encod.)""",
                        "CodeMeaning (0008,0104) contains control character 0x07, which VR LO does not allow"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badTextValues")
    void badTextValueIsMalformedNamingTheElementButNotTheValue(String element, String message) {
        Path file = CT.write(directory, CT.dump().set(element), "bad-text");

        assertThatThrownBy(() -> reader.readHeader(file)).isInstanceOf(MalformedDicomException.class)
                .hasMessage(message).message().doesNotContain("Doe", "Jane", "head", "aaaa", "TOMOGRAPHY", "2024");
    }

    @Test
    void freeTextKeepsItsLineBreaksAndTabs() throws Exception {
        // A dump holds one element per line, so DCMTK's dcmodify writes the line breaks.
        Path file = CT.write(directory);
        ImagingTools.run(directory, "dcmodify", "-q", "-nb", "-i", "(0020,4000)=first line\r\n\tsecond line",
                file.getFileName().toString());

        assertThat(Part10Bytes.of(file).indexOf("first line\r\n\tsecond line")).isPositive();
        assertThat(reader.readHeader(file).sopInstanceUid()).isEqualTo(CT.sopInstanceUid());
    }

    @Test
    void escapeSequencesOfIso2022AreAllowedInPersonNames() throws Exception {
        Charset iso2022jp = Charset.forName("ISO-2022-JP");
        Path file = CT.write(directory, CT.dump()
                .set("(0008,0005) CS [\\ISO 2022 IR 87]")
                .set("(0010,0010) PN [Yamada^Tarou=山田^太郎]")
                .encodedAs(iso2022jp), "japanese");

        assertThat(reader.readHeader(file).studyInstanceUid()).isEqualTo(SyntheticImage.STUDY_INSTANCE_UID);
    }

    @Test
    void escapeIsAllowedWhereACharacterSetMaySwitch() throws Exception {
        Path file = CT.write(directory, CT.dump().set("(0008,103e) LO [\033(Bhead]"), "escape");

        assertThat(reader.readHeader(file).seriesInstanceUid()).isEqualTo(CT.seriesInstanceUid());
    }

    @Test
    void acrNemaDatesAndTimesAreAccepted() throws Exception {
        Path file = CT.write(directory,
                CT.dump().set("(0008,0020) DA [1999.05.24]").set("(0008,0032) TM [11:42:43.309512]"), "acr-nema");

        assertThat(reader.readHeader(file).modality()).isEqualTo("CT");
    }

    static Stream<Arguments> badNumbers() {
        return Stream.of(
                Arguments.of("(0028,1053) DS [abc]", "RescaleSlope (0028,1053) is not a decimal string"),
                Arguments.of("(0028,1052) DS [0x10]", "RescaleIntercept (0028,1052) is not a decimal string"),
                Arguments.of("(0028,1050) DS [NaN]", "WindowCenter (0028,1050) is not a decimal string"),
                Arguments.of("(0020,0013) IS [x1]", "InstanceNumber (0020,0013) is not an integer"),
                Arguments.of("(0028,0030) DS [0.5]",
                        "PixelSpacing (0028,0030) has 1 value; it needs 2 (between rows, between columns)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badNumbers")
    void unparseableNumberIsMalformed(String element, String message) {
        Path file = CT.write(directory, CT.dump().set(element), "bad-number");

        assertThatThrownBy(() -> reader.readHeader(file)).isInstanceOf(MalformedDicomException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> inconsistentImagePixelModules() {
        return Stream.of(
                Arguments.of("(0028,0004) CS []", "PhotometricInterpretation (0028,0004) is missing"),
                Arguments.of("(0028,0101) US 17", "BitsStored (0028,0101) is 17; it must be 1 to BitsAllocated (16)"),
                Arguments.of("(0028,0103) US 2",
                        "PixelRepresentation (0028,0103) is 2; it must be 0 (unsigned) or 1 (two's complement)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("inconsistentImagePixelModules")
    void inconsistentImagePixelModuleIsMalformed(String element, String message) {
        Path file = CT.write(directory, CT.dump().set(element), "bad-pixel-module");

        assertThatThrownBy(() -> reader.decode(file)).isInstanceOf(MalformedDicomException.class)
                .hasMessage(message);
    }
}
