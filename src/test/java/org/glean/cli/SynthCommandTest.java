package org.glean.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.glean.coco.CocoFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void captureOutput() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void synthWritesTheSetTheOptionsDescribe() throws Exception {
        Path set = dir.resolve("probe");

        int exit = GleanCommand.execute("synth", "--out", set.toString(), "--seed", "4", "--studies", "3",
                "--slices", "2", "--size", "64", "--ct-fraction", "1", "--objects", "1:2", "--normal-fraction", "0",
                "--noise", "0:80", "--blur", "0.5", "--shift-probability", "1", "--shift-kinds", "contrast,scale");

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        CocoFile coco = CocoFile.read(set.resolve("coco.json"));
        assertThat(coco.images()).hasSize(6).allSatisfy(image -> {
            assertThat(image.modality()).isEqualTo("CT");
            assertThat(image.width()).isEqualTo(64);
            assertThat(image.blur()).isEqualTo(0.5);
            assertThat(image.noise()).isBetween(0.0, 80.0);
            assertThat(image.shift()).isIn("contrast", "scale");
            assertThat(Files.isRegularFile(set.resolve(image.fileName()))).isTrue();
        });
        assertThat(coco.info()).containsEntry("seed", "4").containsEntry("shift_kinds", "contrast,scale");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("wrote 3 studies, 6 images (6 CT slices, 0 DX projections; ")
                .contains("ground truth: " + set.resolve("coco.json"));
    }

    @Test
    void aBadRangeIsAUsageErrorThatSaysWhatIsExpected() {
        int exit = GleanCommand.execute("synth", "--out", dir.resolve("x").toString(), "--noise", "5:lots");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected a value or a range MIN:MAX, got '5:lots'");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void anUnknownShiftKindIsAUsageError() {
        int exit = GleanCommand.execute("synth", "--out", dir.resolve("x").toString(), "--shift-kinds", "contrast,blur");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown shift 'blur': expected none, contrast, texture, scale (site A), inverted, "
                        + "artefact, enlarged or shape (site B)");
    }

    @Test
    void siteBWithoutSizeOrKindsTakesItsOwnDefaults() throws Exception {
        Path set = dir.resolve("site-b");

        int exit = GleanCommand.execute("synth", "--site", "B", "--out", set.toString(), "--seed", "2", "--studies", "3",
                "--slices", "1", "--ct-fraction", "0.5", "--shift-probability", "1");

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        CocoFile coco = CocoFile.read(set.resolve("coco.json"));
        assertThat(coco.info()).containsEntry("site", "B").containsEntry("image_size", "256")
                .containsEntry("dx_image_size", "512").containsEntry("shift_kinds", "inverted,artefact,enlarged,shape");
        assertThat(coco.images()).extracting(CocoFile.Image::modality).contains("CT", "DX");
        assertThat(coco.images()).allSatisfy(image -> {
            assertThat(image.width()).isEqualTo("CT".equals(image.modality()) ? 256 : 512);
            assertThat(image.shift()).isIn("inverted", "artefact", "enlarged", "shape");
        });
    }

    @Test
    void aShiftKindOfTheOtherSiteIsAUsageError() {
        int exit = GleanCommand.execute("synth", "--site", "B", "--out", dir.resolve("x").toString(),
                "--shift-kinds", "contrast");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("site B draws only the shifts inverted,artefact,enlarged,shape");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void anExistingOutputFolderIsAUsageError() throws Exception {
        Files.createDirectories(dir.resolve("train"));

        int exit = GleanCommand.execute("synth", "--out", dir.resolve("train").toString(), "--studies", "1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the output folder already exists");
    }
}
