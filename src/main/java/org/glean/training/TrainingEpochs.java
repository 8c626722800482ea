package org.glean.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.glean.detector.TrainingBatch;

/**
 * What every training run does per epoch, shared by {@code glean train} and the active-learning
 * simulation: shuffled, mirrored batches, and the cosine learning-rate schedule.
 */
public final class TrainingEpochs {

    /** The cosine schedule ends at this share of the peak rate rather than at 0. */
    public static final double MIN_RATE = 0.02;

    private TrainingEpochs() {
    }

    /**
     * One epoch's batches: {@code items} shuffled, each image mirrored left–right with
     * probability ½; batches without any object are left out.
     */
    public static List<TrainingBatch> batches(List<PreprocessedDataset.Item> items, int batchSize, Random random) {
        List<PreprocessedDataset.Item> order = new ArrayList<>(items);
        Collections.shuffle(order, random);
        List<TrainingBatch> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            List<PreprocessedDataset.Item> batch = order.subList(from, Math.min(order.size(), from + batchSize)).stream()
                    .map(item -> random.nextBoolean() ? PreprocessedDataset.mirrored(item) : item).toList();
            if (batch.stream().allMatch(item -> item.truths().isEmpty())) {
                continue; // no positive anchor: the loss is 0 by definition (method.md §2) and nothing would be learnt
            }
            batches.add(new TrainingBatch(batch.stream().map(PreprocessedDataset.Item::input).toList(),
                    batch.stream().map(PreprocessedDataset.Item::truths).toList()));
        }
        return batches;
    }

    /** The learning rate at {@code progress} ∈ [0, 1] of a run: a cosine from {@code peak} down to {@link #MIN_RATE} of it. */
    public static double cosineRate(double peak, double progress) {
        return peak * (MIN_RATE + (1 - MIN_RATE) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
    }
}
