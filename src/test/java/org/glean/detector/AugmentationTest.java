package org.glean.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int SIZE = 128;

    private static GroundTruthBox box(double cx, double cy, double w, double h) {
        return new GroundTruthBox(new Box(cx, cy, w, h), 2);
    }

    @Test
    void aTwofoldZoomOnTheCentreDoublesABoxAboutIt() {
        List<GroundTruthBox> moved = Augmentation.zoomedBoxes(List.of(box(0.5, 0.5, 0.1, 0.05)), 2, -0.5, -0.5);

        assertThat(moved).hasSize(1);
        Box b = moved.get(0).box();
        assertThat(b.cx()).isCloseTo(0.5, within(1e-12));
        assertThat(b.cy()).isCloseTo(0.5, within(1e-12));
        assertThat(b.w()).isCloseTo(0.2, within(1e-12));
        assertThat(b.h()).isCloseTo(0.1, within(1e-12));
        assertThat(moved.get(0).label()).isEqualTo(2);
    }

    @Test
    void aHalvingZoomShrinksABoxTowardsTheOffset() {
        // x 0.15..0.25 → 0.25 + 0.5·x = 0.325..0.375
        Box b = Augmentation.zoomedBoxes(List.of(box(0.2, 0.6, 0.1, 0.2)), 0.5, 0.25, 0.1).get(0).box();

        assertThat(b.xmin()).isCloseTo(0.325, within(1e-12));
        assertThat(b.xmax()).isCloseTo(0.375, within(1e-12));
        assertThat(b.ymin()).isCloseTo(0.1 + 0.25, within(1e-12));
        assertThat(b.ymax()).isCloseTo(0.1 + 0.35, within(1e-12));
    }

    @Test
    void aCropKeepsTheVisiblePartOfABoxMostlyInsideAndDropsOneMostlyOutside() {
        // x 0.2..0.4 → −0.1..0.3 (three quarters inside); x 0.05..0.3 → −0.4..0.1 (a fifth inside)
        List<GroundTruthBox> moved = Augmentation.zoomedBoxes(
                List.of(box(0.3, 0.5, 0.2, 0.1), box(0.175, 0.5, 0.25, 0.1)), 2, -0.5, -0.5);

        assertThat(moved).hasSize(1);
        assertThat(moved.get(0).box().xmin()).isCloseTo(0, within(1e-12));
        assertThat(moved.get(0).box().xmax()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void theZoomedImageShowsABrightSquareWhereItsZoomedBoxIs() {
        float[] pixels = new float[SIZE * SIZE];
        for (int r = 40; r < 48; r++) {
            for (int c = 20; c < 28; c++) {
                pixels[r * SIZE + c] = 1;
            }
        }
        GroundTruthBox square = new GroundTruthBox(Box.fromCorners(20.0 / SIZE, 40.0 / SIZE, 28.0 / SIZE, 48.0 / SIZE), 1);
        for (double[] zoom : new double[][] {{1.7, -0.1, -0.3}, {0.6, 0.3, 0.05}}) {
            float[] zoomed = Augmentation.zoomed(pixels, SIZE, zoom[0], zoom[1], zoom[2]);
            Box expected = Augmentation.zoomedBoxes(List.of(square), zoom[0], zoom[1], zoom[2]).get(0).box();

            double[] centroid = centroid(zoomed);
            assertThat(centroid[0] / SIZE).as("x at zoom %s", zoom[0]).isCloseTo(expected.cx(), within(0.5 / SIZE));
            assertThat(centroid[1] / SIZE).as("y at zoom %s", zoom[0]).isCloseTo(expected.cy(), within(0.5 / SIZE));
            assertThat(centroid[2] / (SIZE * SIZE)).as("bright area at zoom %s", zoom[0])
                    .isCloseTo(expected.area(), within(0.15 * expected.area()));
        }
    }

    /** Centre of mass (x, y in pixel units, centres at +0.5) and total mass. */
    private static double[] centroid(float[] pixels) {
        double sum = 0;
        double x = 0;
        double y = 0;
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                double v = pixels[r * SIZE + c];
                sum += v;
                x += v * (c + 0.5);
                y += v * (r + 0.5);
            }
        }
        return new double[] {x / sum, y / sum, sum};
    }

    @Test
    void mirroringMovesTheImageAndItsBoxesAlike() {
        float[] pixels = new float[SIZE * SIZE];
        pixels[10 * SIZE + 3] = 1;
        Augmentation mirrorAlways = new Augmentation(1, 0, new Augmentation.Range(1, 1), 0, new Augmentation.Range(0, 0), 0,
                new Augmentation.Range(0, 0), 0, new Augmentation.Range(1, 1), new Augmentation.Range(1, 1));

        Augmentation.Sample sample = mirrorAlways.apply(new PreprocessedImage(pixels, SIZE, LetterboxTransform.fit(SIZE, SIZE, SIZE)),
                List.of(box(0.2, 0.3, 0.1, 0.1)), new Random(1));

        assertThat(sample.input().pixels()[10 * SIZE + SIZE - 1 - 3]).isEqualTo(1f);
        assertThat(sample.truths().get(0).box().cx()).isCloseTo(0.8, within(1e-12));
        assertThat(sample.truths().get(0).box().cy()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void theIntensityCurveIsAGammaThenAContrastAboutMidGreyClampedToTheInputRange() {
        float[] out = Augmentation.intensityCurve(new float[] {0.25f, 1f, 0f}, 2, 1.5);

        assertThat(out[0]).as("0.5 + 1.5·(0.0625 − 0.5) = −0.156, clamped").isEqualTo(0f);
        assertThat(out[1]).as("0.5 + 1.5·0.5 = 1.25, clamped").isEqualTo(1f);
        assertThat(out[2]).as("0.5 − 1.5·0.5 = −0.25, clamped").isEqualTo(0f);
        float[] gentle = Augmentation.intensityCurve(new float[] {0.25f}, 0.5, 0.8);
        assertThat(gentle[0]).isCloseTo((float) (0.5 + 0.8 * (0.5 - 0.5)), within(1e-6f));
    }

    @Test
    void whiteNoiseHasTheRequestedSpreadAndNoCorrelationCorrelatedNoiseIsSmooth() {
        float[] grey = new float[SIZE * SIZE];
        Arrays.fill(grey, 0.5f);

        float[] white = Augmentation.noisy(grey, SIZE, Augmentation.NoiseKind.WHITE, 0.04, new Random(2));
        float[] correlated = Augmentation.noisy(grey, SIZE, Augmentation.NoiseKind.CORRELATED, 0.04, new Random(2));

        assertThat(sd(white)).isCloseTo(0.04, within(0.002));
        assertThat(sd(correlated)).isCloseTo(0.04, within(0.004));
        assertThat(lagOneCorrelation(white)).isCloseTo(0, within(0.03));
        assertThat(lagOneCorrelation(correlated)).isGreaterThan(0.7);
    }

    @Test
    void signalDependentNoiseLeavesBlackAloneAndGrowsWithTheSignal() {
        float[] ramp = new float[SIZE * SIZE];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i < ramp.length / 2 ? 0f : 0.5f;
        }
        float[] out = Augmentation.noisy(ramp, SIZE, Augmentation.NoiseKind.SIGNAL_DEPENDENT, 0.04, new Random(3));

        for (int i = 0; i < ramp.length / 2; i++) {
            assertThat(out[i]).isEqualTo(0f);
        }
        float[] bright = Arrays.copyOfRange(out, ramp.length / 2, ramp.length);
        assertThat(sd(bright)).isCloseTo(0.04, within(0.003));
    }

    @Test
    void domainRandomisationKeepsEveryBoxInsideTheInputAndIsRepeatableFromItsSeed() {
        float[] pixels = new float[SIZE * SIZE];
        Arrays.fill(pixels, 0.3f);
        PreprocessedImage input = new PreprocessedImage(pixels, SIZE, LetterboxTransform.fit(SIZE, SIZE, SIZE));
        List<GroundTruthBox> truths = List.of(box(0.1, 0.1, 0.05, 0.05), box(0.5, 0.7, 0.3, 0.2), box(0.9, 0.4, 0.03, 0.06));
        int dropped = 0;
        for (int seed = 0; seed < 200; seed++) {
            Augmentation.Sample sample = Augmentation.DOMAIN_RANDOMISATION.apply(input, truths, new Random(seed));
            dropped += truths.size() - sample.truths().size();
            assertThat(sample.truths()).allSatisfy(t -> {
                assertThat(t.box().xmin()).isGreaterThanOrEqualTo(-1e-12);
                assertThat(t.box().ymax()).isLessThanOrEqualTo(1 + 1e-12);
                assertThat(t.box().w()).isPositive();
            });
            for (float v : sample.input().pixels()) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
        assertThat(dropped).as("crops drop some boxes, not most").isBetween(1, 200);
        Augmentation.Sample once = Augmentation.DOMAIN_RANDOMISATION.apply(input, truths, new Random(9));
        Augmentation.Sample again = Augmentation.DOMAIN_RANDOMISATION.apply(input, truths, new Random(9));
        assertThat(again.input().pixels()).isEqualTo(once.input().pixels());
        assertThat(again.truths()).isEqualTo(once.truths());
    }

    @Test
    void mirrorZoomMovesAndScalesTheImageButLeavesItsIntensitiesAlone() {
        float[] pixels = new float[SIZE * SIZE];
        Arrays.fill(pixels, 0.5f);
        PreprocessedImage input = new PreprocessedImage(pixels, SIZE, LetterboxTransform.fit(SIZE, SIZE, SIZE));
        List<GroundTruthBox> truths = List.of(box(0.5, 0.5, 0.2, 0.2));
        int zoomed = 0;
        for (int seed = 0; seed < 50; seed++) {
            Augmentation.Sample sample = Augmentation.MIRROR_ZOOM.apply(input, truths, new Random(seed));
            float max = 0;
            for (float v : sample.input().pixels()) {
                assertThat(v).as("only the zoom's border of 0 and its edge are new").isBetween(0f, 0.5f);
                max = Math.max(max, v);
            }
            assertThat(max).as("no noise, gamma or contrast").isEqualTo(0.5f);
            zoomed += sample.truths().isEmpty() || sample.truths().get(0).box().w() != 0.2 ? 1 : 0;
        }
        assertThat(zoomed).as("about half the draws zoom").isBetween(15, 35);
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double sd(float[] values) {
        double mean = mean(values);
        double sum = 0;
        for (float v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / values.length);
    }

    private static double lagOneCorrelation(float[] values) {
        double mean = mean(values);
        double product = 0;
        double square = 0;
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                double d = values[r * SIZE + c] - mean;
                square += d * d;
                if (c + 1 < SIZE) {
                    product += d * (values[r * SIZE + c + 1] - mean);
                }
            }
        }
        return product / square;
    }
}
