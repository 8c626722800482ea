package org.glean.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoFileTest {

    static final String UID_A = "2.25.1001";
    static final String UID_B = "2.25.1002";

    @TempDir
    Path dir;

    static CocoFile.Image image(long id, String fileName, String uid, Integer frame) {
        return new CocoFile.Image(id, fileName, uid, frame, 64, 48, "2.25.1", "2.25.2", "CT", 12.5, 0.75, "none");
    }

    static List<CocoFile.Category> categories() {
        return List.of(new CocoFile.Category(1, "nodule", "lesion"), new CocoFile.Category(2, "mass", "lesion"),
                new CocoFile.Category(3, "calcification", "lesion"));
    }

    static CocoFile sample() {
        return new CocoFile(Map.of("seed", "3", "description", "test"), categories(),
                List.of(image(1, "a.dcm", UID_A, 1), image(2, "b.dcm", UID_B, null)),
                List.of(CocoFile.Annotation.of(1, 1, 1, 10, 12, 8, 9),
                        CocoFile.Annotation.of(2, 1, 3, 0, 0, 64, 48),
                        new CocoFile.Annotation(3, 2, 2, List.of(0.5, 1.25, 20.0, 10.5), null, null)));
    }

    @Test
    void writtenThenReadBackIsEqual() throws Exception {
        CocoFile written = sample();
        written.write(dir.resolve("coco.json"));

        CocoFile read = CocoFile.read(dir.resolve("coco.json"));

        assertThat(read).isEqualTo(written);
        assertThat(read.images().get(1).frameNumber()).isEqualTo(1);
        assertThat(read.problems()).isEmpty();
    }

    @Test
    void theFileUsesCocoFieldNamesAndOmitsAbsentOnes() throws Exception {
        sample().write(dir.resolve("coco.json"));
        String json = Files.readString(dir.resolve("coco.json"));

        assertThat(json).contains("\"file_name\" : \"a.dcm\"", "\"sop_instance_uid\" : \"2.25.1001\"",
                "\"image_id\" : 1", "\"category_id\" : 3", "\"bbox\" : [ 10.0, 12.0, 8.0, 9.0 ]", "\"area\" : 72.0",
                "\"iscrowd\" : 0", "\"noise\" : 12.5", "\"blur\" : 0.75", "\"shift\" : \"none\"",
                "\"study_instance_uid\"", "\"series_instance_uid\"", "\"width\" : 64", "\"height\" : 48");
        // the second image has no frame, the third annotation no area
        assertThat(json.split("\"frame\"", -1)).hasSize(2);
        assertThat(json.split("\"area\"", -1)).hasSize(3);
    }

    @Test
    void unknownFieldsOfOtherToolsAreIgnored() throws Exception {
        Files.writeString(dir.resolve("coco.json"), """
                {"info": {"year": 2024, "contributor": null, "tool": {"name": "labeller", "version": 2}},
                 "licenses": [{"id": 1}],
                 "categories": [{"id": 7, "name": "nodule", "keypoints": []}],
                 "images": [{"id": 3, "file_name": "x.dcm", "width": 10, "height": 10, "coco_url": "u"}],
                 "annotations": [{"id": 1, "image_id": 3, "category_id": 7, "bbox": [1, 2, 3, 4],
                                  "segmentation": [[1, 2, 3, 4]]}]}
                """);

        CocoFile coco = CocoFile.read(dir.resolve("coco.json"));

        assertThat(coco.info()).containsOnly(Map.entry("year", "2024"),
                Map.entry("tool", "{\"name\":\"labeller\",\"version\":2}"));
        assertThat(coco.annotations().get(0).bbox()).containsExactly(1.0, 2.0, 3.0, 4.0);
        assertThat(coco.problems()).isEmpty();
    }

    @Test
    void inconsistentEntriesAreEachNamed() {
        CocoFile coco = new CocoFile(Map.of(), categories(),
                List.of(image(1, "a.dcm", UID_A, 1), image(1, null, null, 0), image(2, "c.dcm", "2.25.01", 1)),
                List.of(CocoFile.Annotation.of(1, 1, 9, 1, 1, 5, 5),
                        CocoFile.Annotation.of(2, 1, 1, 60, 40, 8, 9),
                        CocoFile.Annotation.of(3, 5, 1, 1, 1, 5, 5),
                        CocoFile.Annotation.of(3, 1, 1, 1, 1, 0, 5),
                        new CocoFile.Annotation(4, 1, 1, List.of(1.0, 2.0), null, null)));

        assertThat(coco.problems()).containsExactly(
                "image id 1 appears more than once",
                "image id 1 has neither sop_instance_uid nor file_name",
                "image id 1: frame numbers start at 1",
                "image id 2 (sop_instance_uid 2.25.01, frame 1) (file_name c.dcm): sop_instance_uid is not a valid DICOM UID",
                "annotation id 1 on image id 1: category_id 9 is not among the categories (1 nodule, 2 mass, 3 calcification)",
                "annotation id 2 on image id 1: bbox [60.0, 40.0, 8.0, 9.0] lies outside the 64×48 image",
                "annotation id 3: image_id 5 is not among the images",
                "annotation id 3 appears more than once",
                "annotation id 3 on image id 1: bbox [1.0, 1.0, 0.0, 5.0] has no area",
                "annotation id 4 on image id 1: bbox must be four finite numbers [x, y, width, height], got [1.0, 2.0]");
    }

    @Test
    void aSyntaxErrorNamesItsLine() throws Exception {
        Files.writeString(dir.resolve("coco.json"), "{\n  \"images\": [\n    {\"id\": 1,,}\n  ]\n}\n");

        assertThatThrownBy(() -> CocoFile.read(dir.resolve("coco.json")))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("coco.json: not a COCO JSON file at line 3");
    }

    @Test
    void manyProblemsAreListedUpToALimit() {
        List<String> problems = java.util.stream.IntStream.range(0, 25).mapToObj(i -> "problem " + i).toList();

        InvalidDatasetException exception = new InvalidDatasetException("set/coco.json", problems);

        assertThat(exception.getMessage()).startsWith("set/coco.json: 25 problems\n  - problem 0")
                .contains("problem 19").doesNotContain("problem 20").endsWith("... and 5 more");
        assertThat(exception.problems()).hasSize(25);
    }
}
