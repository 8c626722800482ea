package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.glean.detector.Augmentation;
import org.glean.detector.GroundTruthBox;
import org.glean.detector.PreprocessedImage;
import org.glean.detector.TrainingBatch;
import org.junit.jupiter.api.Test;

class ReplayBatchesTest {

    // No variation: a batch holds the very images drawn, so each tells where it came from.
    private static final Augmentation NONE = new Augmentation(0, 0, new Augmentation.Range(1, 1), 0,
            new Augmentation.Range(0, 0), 0, new Augmentation.Range(0, 0), 0, new Augmentation.Range(1, 1),
            new Augmentation.Range(1, 1));
    private static final List<GroundTruthBox> ONE_BOX = List.of(new GroundTruthBox(
            new org.glean.detector.Box(0.2, 0.2, 0.4, 0.4), 1));

    @Test
    void everyBatchTakesItsShareFromTheEarlierDataAndEachSourceIsDrawnOncePerPass() {
        List<PreprocessedDataset.Item> fresh = items("new", 12, true);
        List<PreprocessedDataset.Item> earlier = items("old", 5, true);
        ReplayBatches batches = new ReplayBatches(fresh, earlier, 0.25, 8, NONE, new Random(1));

        Map<PreprocessedImage, Integer> drawn = new HashMap<>();
        for (int b = 0; b < 2; b++) { // 2 × 6 new images: one pass over them; 2 × 2 of the 5 earlier ones
            TrainingBatch batch = batches.next();
            assertThat(batch.images()).hasSize(8);
            assertThat(batch.images().stream().filter(image -> source(earlier, image))).hasSize(2);
            batch.images().forEach(image -> drawn.merge(image, 1, Integer::sum));
        }

        assertThat(batches.replayedPerBatch()).isEqualTo(2);
        assertThat(fresh).allSatisfy(item -> assertThat(drawn.get(item.input())).isEqualTo(1));
        assertThat(drawn.values()).allMatch(times -> times == 1);
    }

    @Test
    void withoutEarlierDataOrShareEveryImageIsNew() {
        List<PreprocessedDataset.Item> fresh = items("new", 4, true);

        assertThat(new ReplayBatches(fresh, List.of(), 0.5, 4, NONE, new Random(1)).replayedPerBatch()).isZero();
        assertThat(new ReplayBatches(fresh, items("old", 3, true), 0, 4, NONE, new Random(1)).replayedPerBatch())
                .isZero();
        assertThat(new ReplayBatches(fresh, items("old", 3, true), 0.9, 4, NONE, new Random(1)).replayedPerBatch())
                .as("one new image at least").isEqualTo(3);
    }

    @Test
    void aBatchWithoutAnyObjectIsDrawnAgain() {
        List<PreprocessedDataset.Item> fresh = new ArrayList<>(items("normal", 6, false));
        fresh.addAll(items("finding", 1, true));
        ReplayBatches batches = new ReplayBatches(fresh, List.of(), 0, 1, NONE, new Random(2));

        for (int b = 0; b < 3; b++) {
            assertThat(batches.next().truths().get(0)).isEqualTo(ONE_BOX);
        }
    }

    private static boolean source(List<PreprocessedDataset.Item> items, PreprocessedImage image) {
        return items.stream().anyMatch(item -> item.input() == image);
    }

    private static List<PreprocessedDataset.Item> items(String name, int count, boolean withObject) {
        return IntStream.range(0, count).mapToObj(i -> new PreprocessedDataset.Item(name + i,
                new PreprocessedImage(new float[4], 2, null), withObject ? ONE_BOX : List.of(), List.of(), null))
                .toList();
    }
}
