package org.glean.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.glean.coco.CocoFile;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomReader;
import org.glean.dicom.PixelMedDicomReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthDatasetWriterTest {

    @TempDir
    Path dir;

    private final SynthDatasetWriter writer = new SynthDatasetWriter();

    /** Two CT series of three slices and two DX projections, small images. */
    static SynthOptions tiny(long seed) {
        return new SynthOptions(seed, 4, 3, 1, 128, 0.5, SynthOptions.Range.parse("1:3"), 0.2,
                SynthOptions.Range.parse("5:30"), SynthOptions.Range.parse("0:1"), 0.5,
                List.of(Shift.CONTRAST, Shift.TEXTURE, Shift.SCALE));
    }

    @Test
    void theSameSeedWritesByteIdenticalFiles() throws Exception {
        writer.write(tiny(3), dir.resolve("a"), written -> { });
        writer.write(tiny(3), dir.resolve("b"), written -> { });

        List<Path> files = relativeFiles(dir.resolve("a"));
        assertThat(files).isEqualTo(relativeFiles(dir.resolve("b"))).contains(Path.of(SynthDatasetWriter.COCO_FILE_NAME));
        for (Path file : files) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(file)))
                    .as("%s", file).isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(file)));
        }
        writer.write(tiny(4), dir.resolve("c"), written -> { });
        assertThat(Files.readAllBytes(dir.resolve("c").resolve(SynthDatasetWriter.COCO_FILE_NAME)))
                .isNotEqualTo(Files.readAllBytes(dir.resolve("a").resolve(SynthDatasetWriter.COCO_FILE_NAME)));
    }

    @Test
    void everyImageIsAPart10FileWhosePixelsComeBackThroughTheReader() throws Exception {
        SynthOptions options = tiny(5);
        SynthDatasetWriter.Summary summary = writer.write(options, dir.resolve("set"), written -> { });
        CocoFile coco = CocoFile.read(dir.resolve("set").resolve(SynthDatasetWriter.COCO_FILE_NAME));
        DicomReader reader = new PixelMedDicomReader();
        PhantomGenerator generator = new PhantomGenerator(options);

        assertThat(coco.images()).hasSize(summary.ctImages() + summary.dxImages());
        assertThat(summary.ctImages()).isPositive();
        assertThat(summary.dxImages()).isPositive();
        int index = 0;
        for (int study = 0; study < options.studies(); study++) {
            for (SyntheticStudy.Series series : generator.study(study).series()) {
                for (SyntheticImage image : series.images()) {
                    CocoFile.Image entry = coco.images().get(index++);
                    DecodedImage decoded = reader.decode(dir.resolve("set").resolve(entry.fileName()));
                    assertThat(decoded.header().sopInstanceUid()).isEqualTo(entry.sopInstanceUid())
                            .isEqualTo(image.sopInstanceUid());
                    assertThat(decoded.frames().get(0)).as(entry.fileName()).containsExactly(image.pixels());
                    assertThat(decoded.header().modality()).isEqualTo(entry.modality());
                    assertThat(decoded.header().pixelRepresentation()).isEqualTo("CT".equals(entry.modality()) ? 1 : 0);
                    if ("CT".equals(entry.modality())) {
                        // lungs and air are negative HU, kept through the signed 16-bit file
                        assertThat(min(decoded.frames().get(0))).isLessThan(-800);
                    }
                    assertThat(entry.noise()).isEqualTo(image.noise());
                    assertThat(entry.blur()).isEqualTo(image.blur());
                    assertThat(entry.shift()).isEqualTo(image.shift().label());
                }
            }
        }
    }

    @Test
    void theCocoFileNamesItsCategoriesAndBoxesInPixelCoordinates() throws Exception {
        writer.write(tiny(6), dir.resolve("set"), written -> { });
        CocoFile coco = CocoFile.read(dir.resolve("set").resolve(SynthDatasetWriter.COCO_FILE_NAME));

        assertThat(coco.problems()).isEmpty();
        assertThat(coco.categories()).extracting(CocoFile.Category::id, CocoFile.Category::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, "nodule"), org.assertj.core.groups.Tuple.tuple(2L, "mass"),
                org.assertj.core.groups.Tuple.tuple(3L, "calcification"));
        assertThat(coco.annotations()).isNotEmpty().allSatisfy(annotation -> {
            assertThat(annotation.bbox()).allMatch(v -> v == Math.rint(v));
            assertThat(annotation.area()).isEqualTo(annotation.bbox().get(2) * annotation.bbox().get(3));
        });
        assertThat(coco.info()).containsEntry("seed", "6").containsEntry("noise", "5:30");
        assertThat(coco.images()).allSatisfy(image -> {
            assertThat(image.frame()).isEqualTo(1);
            assertThat(image.width()).isEqualTo(128);
            assertThat(image.shift()).isIn("none", "contrast", "texture", "scale");
        });
    }

    @Test
    void writtenInstancesPassTheIodVerifier() throws Exception {
        writer.write(new SynthOptions(7, 5, 1, 1, 64, 0.5, SynthOptions.Range.parse("0"), 0,
                SynthOptions.Range.parse("5"), SynthOptions.Range.parse("0"), 0, List.of()), dir.resolve("set"),
                written -> { });
        CocoFile coco = CocoFile.read(dir.resolve("set").resolve(SynthDatasetWriter.COCO_FILE_NAME));

        assertThat(coco.images()).extracting(CocoFile.Image::modality).contains("CT", "DX");
        for (CocoFile.Image image : coco.images()) {
            Process process = new ProcessBuilder("dciodvfy", dir.resolve("set").resolve(image.fileName()).toString())
                    .redirectErrorStream(true).start();
            String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(report.lines().filter(line -> line.startsWith("Error") || line.startsWith("Warning")))
                    .as("dciodvfy of %s", image.fileName()).isEmpty();
        }
    }

    @Test
    void anExistingOutputFolderIsRefusedAndNothingIsLeftBehind() throws Exception {
        Path existing = Files.createDirectories(dir.resolve("existing"));

        assertThatThrownBy(() -> writer.write(tiny(1), existing, written -> { }))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("already exists");
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactly("existing");
        }
    }

    private static List<Path> relativeFiles(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            List<Path> files = new ArrayList<>();
            paths.filter(Files::isRegularFile).sorted().forEach(path -> files.add(folder.relativize(path)));
            return files;
        }
    }

    private static float min(float[] values) {
        float min = Float.MAX_VALUE;
        for (float value : values) {
            min = Math.min(min, value);
        }
        return min;
    }
}
