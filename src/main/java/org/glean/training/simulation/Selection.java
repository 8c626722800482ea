package org.glean.training.simulation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Which unlabelled images go to the annotator in one round (method.md §6: top-k within a budget). */
public final class Selection {

    private Selection() {
    }

    /**
     * The positions of the {@code budget} highest scores, highest first (all of them when fewer).
     * Ties — above all the many images a scorer found nothing on — are broken in an order drawn
     * from {@code random}, so that a tie does not favour the pool's first images.
     */
    public static List<Integer> top(double[] scores, int budget, Random random) {
        List<Integer> order = shuffled(scores.length, random);
        order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed()); // stable: ties keep the drawn order
        return List.copyOf(order.subList(0, Math.min(budget, order.size())));
    }

    /** {@code budget} positions out of {@code poolSize}, uniformly at random (all of them when fewer). */
    public static List<Integer> random(int poolSize, int budget, Random random) {
        return List.copyOf(shuffled(poolSize, random).subList(0, Math.min(budget, poolSize)));
    }

    private static List<Integer> shuffled(int size, Random random) {
        if (size < 0) {
            throw new IllegalArgumentException("pool size " + size + " is negative");
        }
        List<Integer> order = new ArrayList<>(IntStream.range(0, size).boxed().toList());
        Collections.shuffle(order, random);
        return order;
    }
}
