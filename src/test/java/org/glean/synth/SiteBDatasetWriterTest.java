package org.glean.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glean.coco.CocoFile;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteBDatasetWriterTest {

    @TempDir
    Path dir;

    private final SynthDatasetWriter writer = new SynthDatasetWriter();

    /** Two CT series of three slices and two DX projections at site B, small images, most of them shifted. */
    static SynthOptions tinySiteB(long seed) {
        return new SynthOptions(seed, 4, 3, 1, 96, 0.5, SynthOptions.Range.parse("1:3"), 0.2,
                SynthOptions.Range.parse("5:30"), SynthOptions.Range.parse("0:1"), 0.7, Site.B.shiftKinds(), Site.B, 160);
    }

    @Test
    void theSameOptionsWriteByteIdenticalFiles() throws Exception {
        writer.write(tinySiteB(3), dir.resolve("a"), written -> { });
        writer.write(tinySiteB(3), dir.resolve("b"), written -> { });

        List<Path> files;
        try (var paths = Files.walk(dir.resolve("a"))) {
            files = paths.filter(Files::isRegularFile).map(dir.resolve("a")::relativize).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(4);
        for (Path file : files) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(file)))
                    .as("%s", file).isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(file)));
        }
    }

    @Test
    void filesCarrySiteBsEncodingAndReadBackAsTheGeneratedValues() throws Exception {
        SynthOptions options = tinySiteB(5);
        writer.write(options, dir.resolve("set"), written -> { });
        CocoFile coco = CocoFile.read(dir.resolve("set").resolve(SynthDatasetWriter.COCO_FILE_NAME));
        DicomReader reader = new PixelMedDicomReader();
        StudyGenerator generator = StudyGenerator.of(options);

        assertThat(coco.problems()).isEmpty();
        assertThat(coco.info()).containsEntry("site", "B").containsEntry("image_size", "96")
                .containsEntry("dx_image_size", "160").containsEntry("shift_kinds", "inverted,artefact,enlarged,shape");
        assertThat(coco.images()).extracting(CocoFile.Image::modality).contains("CT", "DX");
        int index = 0;
        for (int study = 0; study < options.studies(); study++) {
            for (SyntheticStudy.Series series : generator.study(study).series()) {
                for (SyntheticImage image : series.images()) {
                    CocoFile.Image entry = coco.images().get(index++);
                    DecodedImage decoded = reader.decode(dir.resolve("set").resolve(entry.fileName()));
                    float[] pixels = decoded.frames().get(0);
                    assertThat(pixels).as(entry.fileName()).containsExactly(image.pixels());
                    assertThat(entry.shift()).isEqualTo(image.shift().label()).isIn("none", "inverted", "artefact",
                            "enlarged", "shape");
                    if ("CT".equals(entry.modality())) {
                        assertThat(decoded.header().rows()).isEqualTo(96);
                        assertThat(decoded.header().rescaleIntercept()).isEqualTo(-1024);
                        assertThat(decoded.header().bitsStored()).isEqualTo(16);
                        // outside the reconstruction circle: padding, below any tissue or air
                        assertThat(pixels[0]).isEqualTo((float) SiteBChestCt.PADDING_HU);
                        assertThat(decoded.header().windowCenter()).isEqualTo(SiteBGenerator.CT_WINDOW_CENTER);
                    } else {
                        assertThat(decoded.header().rows()).isEqualTo(160);
                        assertThat(decoded.header().bitsStored()).isEqualTo(12);
                        for (float value : pixels) {
                            assertThat(value).isBetween(0f, 4095f);
                        }
                        assertThat(decoded.header().pixelSpacingRow())
                                .isCloseTo(SiteBGenerator.DX_FIELD_OF_VIEW_MM / 160, within(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void writtenInstancesPassTheIodVerifier() throws Exception {
        writer.write(new SynthOptions(7, 5, 1, 1, 64, 0.5, SynthOptions.Range.parse("0"), 0,
                SynthOptions.Range.parse("5"), SynthOptions.Range.parse("0"), 0, List.of(), Site.B, 96),
                dir.resolve("set"), written -> { });
        CocoFile coco = CocoFile.read(dir.resolve("set").resolve(SynthDatasetWriter.COCO_FILE_NAME));

        assertThat(coco.images()).extracting(CocoFile.Image::modality).contains("CT", "DX");
        for (CocoFile.Image image : coco.images()) {
            Process process = new ProcessBuilder("dciodvfy", dir.resolve("set").resolve(image.fileName()).toString())
                    .redirectErrorStream(true).start();
            String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(report.lines().filter(line -> line.startsWith("Error") || line.startsWith("Warning")))
                    .as("dciodvfy of %s:%n%s", image.fileName(), report).isEmpty();
        }
    }
}
