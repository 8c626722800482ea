package org.glean.detector;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test images: bright discs of two sizes (class 1 small, class 2 large) on noise. */
final class SyntheticDiscs {

    private SyntheticDiscs() {
    }

    record Disc(double cx, double cy, double radius, int label) {
        GroundTruthBox truth(int size) {
            return new GroundTruthBox(Box.fromCorners((cx - radius) / size, (cy - radius) / size,
                    (cx + radius) / size, (cy + radius) / size), label);
        }
    }

    static TrainingBatch batch(int size, long seed, List<List<Disc>> discsPerImage) {
        Random random = new Random(seed);
        List<PreprocessedImage> images = new ArrayList<>();
        List<List<GroundTruthBox>> truths = new ArrayList<>();
        for (List<Disc> discs : discsPerImage) {
            float[] pixels = new float[size * size];
            for (int r = 0; r < size; r++) {
                for (int c = 0; c < size; c++) {
                    double v = 0.2 + 0.05 * random.nextGaussian();
                    for (Disc d : discs) {
                        double dx = c + 0.5 - d.cx();
                        double dy = r + 0.5 - d.cy();
                        if (dx * dx + dy * dy <= d.radius() * d.radius()) {
                            v = 0.9 + 0.05 * random.nextGaussian();
                        }
                    }
                    pixels[r * size + c] = (float) v;
                }
            }
            images.add(new PreprocessedImage(pixels, size, LetterboxTransform.fit(size, size, size)));
            truths.add(discs.stream().map(d -> d.truth(size)).toList());
        }
        return new TrainingBatch(images, truths);
    }
}
