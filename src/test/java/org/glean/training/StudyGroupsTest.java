package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.glean.coco.CocoFile;
import org.junit.jupiter.api.Test;

class StudyGroupsTest {

    @Test
    void imagesAreGroupedByStudyInstanceUidInTheOrderStudiesFirstAppear() {
        List<PreprocessedDataset.Item> items = List.of(item("a", "2.2", "i1"), item("b", "1.1", "i2"),
                item("c", "2.2", "i3"), item("d", null, "i4"), new PreprocessedDataset.Item("e", null, List.of(),
                        List.of(), null));

        Map<String, List<Integer>> studies = StudyGroups.of(items);

        // without a study UID an image's instance is its study; without a COCO entry, the image itself
        assertThat(studies).containsExactly(Map.entry("2.2", List.of(0, 2)), Map.entry("1.1", List.of(1)),
                Map.entry("i4", List.of(3)), Map.entry("e", List.of(4)));
    }

    static PreprocessedDataset.Item item(String imageId, String study, String instance) {
        return new PreprocessedDataset.Item(imageId, null, List.of(), List.of(),
                new CocoFile.Image(1, instance + ".dcm", instance, 1, 64, 64, study, null, "CT", null, null, null));
    }
}
