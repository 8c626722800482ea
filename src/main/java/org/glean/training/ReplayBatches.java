package org.glean.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.glean.detector.Augmentation;
import org.glean.detector.TrainingBatch;

/**
 * Endless training batches for a fine-tune: each batch holds {@link #replayedPerBatch} images of
 * the earlier training data (so that what the model knew of the first site is rehearsed while it
 * learns the new one) and the rest from the new annotations. Each source is drawn without
 * replacement in a shuffled order that is reshuffled once used up, so every image comes once per
 * pass of its source; each image is varied by the augmentation every time it is drawn.
 */
final class ReplayBatches {

    private final Deck fresh;
    private final Deck replay;
    private final int batchSize;
    private final int replayed;
    private final Augmentation augmentation;
    private final Random random;

    /**
     * @param replay images of the earlier training data; empty for none
     * @param share  share of every batch taken from {@code replay}, in [0, 1); rounded to whole
     *               images, at least one new image per batch
     */
    ReplayBatches(List<PreprocessedDataset.Item> fresh, List<PreprocessedDataset.Item> replay, double share,
                  int batchSize, Augmentation augmentation, Random random) {
        if (fresh.isEmpty() || batchSize < 1 || !(share >= 0 && share < 1)) {
            throw new IllegalArgumentException("replayed batches need new images, a batch size and a replay share "
                    + "within [0, 1), got " + share);
        }
        this.random = random;
        this.fresh = new Deck(fresh);
        this.replay = new Deck(replay);
        this.batchSize = batchSize;
        this.replayed = replay.isEmpty() ? 0 : Math.min(batchSize - 1, (int) Math.round(batchSize * share));
        this.augmentation = augmentation;
    }

    int replayedPerBatch() {
        return replayed;
    }

    /**
     * The next batch with at least one object, unless two passes over the new images (the rest of
     * this one and the next) found none; then the last drawn, which teaches only the background.
     */
    TrainingBatch next() {
        int tries = 2 * ((fresh.items.size() + batchSize - replayed - 1) / (batchSize - replayed)) + 1;
        List<Augmentation.Sample> batch;
        do {
            batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                PreprocessedDataset.Item item = i < replayed ? replay.draw() : fresh.draw();
                batch.add(augmentation.apply(item.input(), item.truths(), random));
            }
        } while (--tries > 0 && batch.stream().allMatch(sample -> sample.truths().isEmpty()));
        return new TrainingBatch(batch.stream().map(Augmentation.Sample::input).toList(),
                batch.stream().map(Augmentation.Sample::truths).toList());
    }

    private final class Deck {
        private final List<PreprocessedDataset.Item> items;
        private final List<PreprocessedDataset.Item> order = new ArrayList<>();
        private int next;

        Deck(List<PreprocessedDataset.Item> items) {
            this.items = List.copyOf(items);
        }

        PreprocessedDataset.Item draw() {
            if (next == order.size()) {
                order.clear();
                order.addAll(items);
                Collections.shuffle(order, random);
                next = 0;
            }
            return order.get(next++);
        }
    }
}
