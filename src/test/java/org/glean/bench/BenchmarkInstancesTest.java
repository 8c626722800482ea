package org.glean.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.glean.bench.BenchmarkInstances.GeneratedStudy;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.ImageSopClass;
import org.glean.dicom.PixelMedDicomReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkInstancesTest {

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    @Test
    void writesSignedCtSlicesOfAPhantomSpreadOverTheStudies() throws Exception {
        List<GeneratedStudy> studies = BenchmarkInstances.write(dir, 10, 3, 64);

        assertThat(studies).extracting(study -> study.files().size()).containsExactly(4, 3, 3);
        Set<String> sopInstanceUids = new HashSet<>();
        for (GeneratedStudy study : studies) {
            for (Path file : study.files()) {
                DecodedImage image = reader.decode(file);
                assertThat(image.header().studyInstanceUid()).isEqualTo(study.studyInstanceUid());
                assertThat(image.header().sopClassUid()).isEqualTo(ImageSopClass.CT_IMAGE.uid());
                assertThat(image.header().modality()).isEqualTo("CT");
                assertThat(image.header().rows()).isEqualTo(64);
                assertThat(image.header().columns()).isEqualTo(64);
                assertThat(image.header().bitsAllocated()).isEqualTo(16);
                assertThat(image.header().pixelRepresentation()).isEqualTo(1);
                float[] hu = image.frames().get(0);
                assertThat(hu[0]).as("air in the corner").isBetween(-1010f, -990f);
                assertThat(hu[32 * 64 + 32]).as("soft tissue in the middle").isBetween(30f, 50f);
                sopInstanceUids.add(image.header().sopInstanceUid());
            }
        }
        assertThat(sopInstanceUids).hasSize(10);
    }

    @Test
    void everySetHasUidsOfItsOwn() throws Exception {
        GeneratedStudy first = BenchmarkInstances.write(dir.resolve("a"), 1, 1, 16).get(0);
        GeneratedStudy second = BenchmarkInstances.write(dir.resolve("b"), 1, 1, 16).get(0);

        assertThat(first.studyInstanceUid()).isNotEqualTo(second.studyInstanceUid());
        assertThat(reader.readHeader(first.files().get(0)).sopInstanceUid())
                .isNotEqualTo(reader.readHeader(second.files().get(0)).sopInstanceUid());
    }
}
