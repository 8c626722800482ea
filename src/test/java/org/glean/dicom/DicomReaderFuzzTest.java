package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes into the Part-10 reader: an instance it reads, or a refusal that says why, never
 * another exception, a hang or memory beyond {@link DicomReadLimits}. In every test run the seeds
 * (DicomReaderFuzzTestInputs: real CT files that DCMTK wrote in six transfer syntaxes) and the
 * findings kept there run once; {@code make fuzz} mutates them, coverage-guided, for a while.
 */
class DicomReaderFuzzTest {

    private static final DicomReader READER = new PixelMedDicomReader();

    @FuzzTest(maxDuration = "5m")
    void decodesOrRefusesAnyBytes(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("glean-fuzz-", ".dcm");
        try {
            Files.write(file, bytes);
            DecodedImage image = READER.decode(file);
            assertThat(image.frames()).isNotEmpty();
        } catch (MalformedDicomException | UnsupportedDicomException refused) {
            assertThat(refused.getMessage()).as("a refusal says why").isNotBlank();
        } finally {
            Files.delete(file);
        }
    }
}
