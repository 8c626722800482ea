package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.glean.coco.CocoFile;
import org.glean.coco.InvalidDatasetException;
import org.glean.dicom.DerivedUids;
import org.glean.dicom.DicomImageWriter;
import org.glean.dicom.DicomReader;
import org.glean.dicom.ImageSopClass;
import org.glean.dicom.MonochromeInstance;
import org.glean.dicom.PixelMedDicomReader;
import org.glean.synth.PhantomGenerator;
import org.glean.synth.Shift;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import org.glean.synth.SyntheticImage;
import org.glean.synth.SyntheticStudy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoDatasetTest {

    private static final SynthOptions OPTIONS = new SynthOptions(17, 3, 2, 1, 128, 0.5,
            SynthOptions.Range.parse("2:3"), 0, SynthOptions.Range.parse("5:20"), SynthOptions.Range.parse("0:0.5"),
            0.5, List.of(Shift.TEXTURE));

    @TempDir
    static Path shared;
    private static Path folder;
    private static CocoFile written;

    @TempDir
    Path dir;

    private final DicomReader reader = new PixelMedDicomReader();

    @BeforeAll
    static void writeSyntheticSet() throws IOException, InvalidDatasetException {
        folder = new SynthDatasetWriter().write(OPTIONS, shared.resolve("set"), studies -> { }).folder();
        written = CocoFile.read(folder.resolve(SynthDatasetWriter.COCO_FILE_NAME));
    }

    @Test
    void samplesCarryTheDecodedFrameItsBoxesClassesAndMetadata() throws Exception {
        CocoDataset dataset = CocoDataset.open(folder, folder.resolve(SynthDatasetWriter.COCO_FILE_NAME), reader);
        List<SyntheticImage> generated = new ArrayList<>();
        PhantomGenerator generator = new PhantomGenerator(OPTIONS);
        for (int study = 0; study < OPTIONS.studies(); study++) {
            for (SyntheticStudy.Series series : generator.study(study).series()) {
                generated.addAll(series.images());
            }
        }

        assertThat(dataset.classNames()).containsExactly("nodule", "mass", "calcification");
        assertThat(dataset.size()).isEqualTo(generated.size()).isEqualTo(written.images().size());
        int boxes = 0;
        for (int i = 0; i < dataset.size(); i++) {
            CocoDataset.Sample sample = dataset.sample(i);
            SyntheticImage image = generated.get(i);
            assertThat(Arrays.mismatch(sample.pixels(), image.pixels())).as("first pixel that differs in image %d", i)
                    .isEqualTo(-1);
            assertThat(sample.rows()).isEqualTo(128);
            assertThat(sample.columns()).isEqualTo(128);
            assertThat(sample.header().sopInstanceUid()).isEqualTo(image.sopInstanceUid());
            assertThat(sample.image().noise()).isEqualTo(image.noise());
            assertThat(sample.image().shift()).isEqualTo(image.shift().label());
            assertThat(sample.boxes()).containsExactlyElementsOf(image.boxes().stream()
                    .map(box -> new LabeledBox(box.lesionClass().ordinal(), box.x(), box.y(), box.width(), box.height()))
                    .toList());
            boxes += sample.boxes().size();
        }
        assertThat(boxes).isPositive();
    }

    @Test
    void instancesAreFoundBySopInstanceUidWhenFileNamesAreStaleOrAbsent() throws Exception {
        List<CocoFile.Image> images = new ArrayList<>();
        for (CocoFile.Image image : written.images()) {
            images.add(withFileName(image, images.size() % 2 == 0 ? "moved/elsewhere.dcm" : null));
        }
        Path coco = write(new CocoFile(written.info(), written.categories(), images, written.annotations()));

        CocoDataset dataset = CocoDataset.open(folder, coco, reader);

        for (int i = 0; i < dataset.size(); i++) {
            assertThat(dataset.file(i)).isEqualTo(folder.resolve(written.images().get(i).fileName()));
            assertThat(dataset.sample(i).header().sopInstanceUid()).isEqualTo(written.images().get(i).sopInstanceUid());
        }
    }

    @Test
    void aFileNameAloneIdentifiesTheInstance() throws Exception {
        List<CocoFile.Image> images = written.images().stream().map(image -> new CocoFile.Image(image.id(),
                image.fileName(), null, null, image.width(), image.height(), null, null, null, null, null, null)).toList();
        Path coco = write(new CocoFile(Map.of(), written.categories(), images, written.annotations()));

        CocoDataset dataset = CocoDataset.open(folder, coco, reader);

        assertThat(dataset.sample(0).header().sopInstanceUid()).isEqualTo(written.images().get(0).sopInstanceUid());
        assertThat(dataset.boxes(0)).hasSameSizeAs(dataset.sample(0).boxes());
    }

    @Test
    void annotationsWithAnUnknownCategoryOrABoxOutsideTheImageAreNamed() throws Exception {
        CocoFile.Image first = written.images().get(0);
        Path coco = write(new CocoFile(Map.of(), written.categories(), List.of(first), List.of(
                CocoFile.Annotation.of(7, first.id(), 4, 1, 1, 5, 5),
                CocoFile.Annotation.of(8, first.id(), 1, 120, 1, 10, 5))));

        assertThatThrownBy(() -> CocoDataset.open(folder, coco, reader))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining("annotation id 7 on image id " + first.id() + " (sop_instance_uid "
                        + first.sopInstanceUid() + ", frame 1) (file_name " + first.fileName()
                        + "): category_id 4 is not among the categories")
                .hasMessageContaining("annotation id 8 on image id " + first.id())
                .hasMessageContaining("bbox [120.0, 1.0, 10.0, 5.0] lies outside the 128×128 image");
    }

    @Test
    void problemsOfTheFileAndOfTheFolderAreReportedTogether() throws Exception {
        Path coco = write(new CocoFile(Map.of(), written.categories(),
                List.of(new CocoFile.Image(1, "gone.dcm", null, 1, 128, 128, null, null, null, null, null, null)),
                List.of(CocoFile.Annotation.of(1, 1, 9, 1, 1, 5, 5))));

        assertThatThrownBy(() -> CocoDataset.open(folder, coco, reader))
                .isInstanceOfSatisfying(InvalidDatasetException.class, e -> assertThat(e.problems()).containsExactly(
                        "annotation id 1 on image id 1 (file_name gone.dcm): category_id 9 is not among the categories "
                                + "(1 nodule, 2 mass, 3 calcification)",
                        "image id 1 (file_name gone.dcm): file_name does not exist under " + folder));
    }

    @Test
    void entriesWhoseInstanceIsMissingUnreadableOrDifferentAreNamed() throws Exception {
        CocoFile.Image first = written.images().get(0);
        Path notDicom = Files.writeString(dir.resolve("not-dicom.dcm"), "plain text");
        Files.copy(folder.resolve(first.fileName()), dir.resolve("first.dcm"));
        Path coco = write(new CocoFile(Map.of(), written.categories(), List.of(
                new CocoFile.Image(1, "gone.dcm", "2.25.999", 1, 128, 128, null, null, null, null, null, null),
                new CocoFile.Image(2, "first.dcm", first.sopInstanceUid(), 2, 128, 128, null, null, null, null, null, null),
                new CocoFile.Image(3, "first.dcm", null, 1, 256, 128, null, null, null, null, null, null),
                new CocoFile.Image(4, notDicom.getFileName().toString(), null, 1, 128, 128, null, null, null, null,
                        null, null),
                new CocoFile.Image(5, "../set/" + first.fileName(), null, 1, 128, 128, null, null, null, null, null,
                        null)), List.of()));

        assertThatThrownBy(() -> CocoDataset.open(dir, coco, reader))
                .isInstanceOfSatisfying(InvalidDatasetException.class, e -> assertThat(e.problems()).satisfiesExactly(
                        p -> assertThat(p).isEqualTo("image id 1 (sop_instance_uid 2.25.999, frame 1) (file_name gone.dcm): "
                                + "no DICOM file under " + dir + " has this SOPInstanceUID, and file_name does not exist"),
                        p -> assertThat(p).startsWith("image id 2 ").endsWith(": the instance has 1 frame(s)"),
                        p -> assertThat(p).isEqualTo("image id 3 (file_name first.dcm): width×height 256×128 differs "
                                + "from the instance's Columns×Rows 128×128"),
                        p -> assertThat(p).startsWith("image id 4 (file_name not-dicom.dcm): not-dicom.dcm is not a "
                                + "readable DICOM Part-10 file"),
                        p -> assertThat(p).isEqualTo("image id 5 (file_name ../set/" + first.fileName()
                                + "): file_name points outside the DICOM folder " + dir)));
    }

    @Test
    void eachFrameOfAMultiFrameInstanceIsItsOwnSample() throws Exception {
        int size = 16;
        List<short[]> frames = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            short[] frame = new short[size * size];
            Arrays.fill(frame, (short) (1000 * (f + 1)));
            frames.add(frame);
        }
        String uid = DerivedUids.derive(99, "multi-frame");
        new DicomImageWriter().write(new MonochromeInstance(
                new MonochromeInstance.Study(DerivedUids.derive(99, "study"), "S1", "20250101", "Phantom^Synthetic", "SYNTH"),
                new MonochromeInstance.Series(ImageSopClass.MULTIFRAME_GRAYSCALE_WORD_SECONDARY_CAPTURE,
                        DerivedUids.derive(99, "series"), 1, DerivedUids.derive(99, "frame-of-reference"), 1, 0),
                uid, 1, size, size, frames, 2000, 4000, 0), dir.resolve("frames.dcm"));
        Path coco = write(new CocoFile(Map.of(), written.categories(), List.of(
                new CocoFile.Image(1, null, uid, 3, size, size, null, null, null, null, null, null),
                new CocoFile.Image(2, null, uid, 1, size, size, null, null, null, null, null, null)),
                List.of(CocoFile.Annotation.of(1, 1, 2, 2, 3, 4, 5))));

        CocoDataset dataset = CocoDataset.open(dir, coco, reader);

        assertThat(dataset.sample(0).pixels()).containsOnly(3000f);
        assertThat(dataset.sample(0).boxes()).containsExactly(new LabeledBox(1, 2, 3, 4, 5));
        assertThat(dataset.sample(1).pixels()).containsOnly(1000f);
        assertThat(dataset.sample(1).boxes()).isEmpty();
    }

    @Test
    void aMissingFolderIsReportedAsSuch() throws Exception {
        Path coco = write(written);

        assertThatThrownBy(() -> CocoDataset.open(dir.resolve("absent"), coco, reader))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("absent does not exist or is not a directory");
    }

    private Path write(CocoFile coco) throws IOException {
        Path file = dir.resolve("labels.json");
        coco.write(file);
        return file;
    }

    private static CocoFile.Image withFileName(CocoFile.Image image, String fileName) {
        return new CocoFile.Image(image.id(), fileName, image.sopInstanceUid(), image.frame(), image.width(),
                image.height(), image.studyInstanceUid(), image.seriesInstanceUid(), image.modality(), image.noise(),
                image.blur(), image.shift());
    }
}
