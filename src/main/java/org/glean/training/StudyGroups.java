package org.glean.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glean.coco.CocoFile;

/** The images of a data set grouped into studies, as the server receives them: by the COCO entry's study. */
public final class StudyGroups {

    private StudyGroups() {
    }

    /**
     * Per study ({@link CocoFile.Image#study()}), the indices of its items in data-set order; studies
     * in the order of their first image. An item without a COCO entry is a study of its own.
     */
    public static Map<String, List<Integer>> of(List<PreprocessedDataset.Item> items) {
        Map<String, List<Integer>> studies = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            PreprocessedDataset.Item item = items.get(i);
            String study = item.metadata() == null ? item.imageId() : item.metadata().study();
            studies.computeIfAbsent(study, s -> new ArrayList<>()).add(i);
        }
        return studies;
    }
}
