package org.glean.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhantomGeneratorTest {

    private static final int SIZE = 256;

    /** Options at full size with a few small CT series ({@code ctFraction} 1) or DX projections (0). */
    static SynthOptions options(long seed, double ctFraction, String objects, String noise, String blur,
                                double shiftProbability, Shift kind) {
        return new SynthOptions(seed, 3, 4, 1, SIZE, ctFraction, SynthOptions.Range.parse(objects), 0,
                SynthOptions.Range.parse(noise), SynthOptions.Range.parse(blur), shiftProbability, List.of(kind));
    }

    static SynthOptions plain(long seed, double ctFraction, String objects, String noise, String blur) {
        return options(seed, ctFraction, objects, noise, blur, 0, Shift.CONTRAST);
    }

    /** {@link #plain} with site A's knobs drawn as far as {@code variation}, four studies. */
    static SynthOptions varied(long seed, double ctFraction, String objects, String noise, double variation) {
        return new SynthOptions(seed, 4, 4, 1, SIZE, ctFraction, SynthOptions.Range.parse(objects), 0,
                SynthOptions.Range.parse(noise), SynthOptions.Range.parse("0"), 0, List.of(Shift.CONTRAST), Site.A,
                SIZE, variation);
    }

    static List<SyntheticImage> images(SynthOptions options, int studies) {
        PhantomGenerator generator = new PhantomGenerator(options);
        List<SyntheticImage> images = new ArrayList<>();
        for (int i = 0; i < studies; i++) {
            generator.study(i).series().forEach(series -> images.addAll(series.images()));
        }
        return images;
    }

    @Test
    void sameSeedGivesIdenticalPixelsBoxesAndUids() {
        SynthOptions options = plain(5, 0.5, "1:3", "5:30", "0:1");
        List<SyntheticImage> first = images(options, 3);
        List<SyntheticImage> second = images(options, 3);

        assertThat(first).hasSameSizeAs(second);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).pixels()).containsExactly(first.get(i).pixels());
            assertThat(second.get(i).boxes()).isEqualTo(first.get(i).boxes());
            assertThat(second.get(i).sopInstanceUid()).isEqualTo(first.get(i).sopInstanceUid());
            assertThat(second.get(i).noise()).isEqualTo(first.get(i).noise());
        }
        SyntheticImage otherSeed = images(plain(6, 0.5, "1:3", "5:30", "0:1"), 1).get(0);
        assertThat(otherSeed.pixels()).isNotEqualTo(first.get(0).pixels());
        assertThat(otherSeed.sopInstanceUid()).isNotEqualTo(first.get(0).sopInstanceUid());
    }

    @Test
    void objectsChangeOnlyThePixelsInsideTheirBoxesAndReachEveryEdgeOfThem() {
        for (double variation : new double[] {0, 1}) {
            objectsChangeOnlyTheirBoxes(variation);
        }
    }

    /** Every object form, site A's own and the varied ones (spicules, halo, cavity, ground glass, lines). */
    private static void objectsChangeOnlyTheirBoxes(double variation) {
        for (double ctFraction : new double[] {1, 0}) {
            boolean ct = ctFraction == 1;
            List<SyntheticImage> with = images(varied(11, ctFraction, "3:3", "0", variation), 4);
            List<SyntheticImage> without = images(varied(11, ctFraction, "0:0", "0", variation), 4);
            int boxes = 0;
            for (int i = 0; i < with.size(); i++) {
                float[] difference = difference(with.get(i).pixels(), without.get(i).pixels());
                List<ObjectBox> imageBoxes = with.get(i).boxes();
                boxes += imageBoxes.size();
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        // CT: a mass over soft tissue of its own density changes pixels that cannot be seen
                        double invisible = ct ? PhantomGenerator.VISIBLE_CONTRAST_HU : 0;
                        if (Math.abs(difference[y * SIZE + x]) > invisible) {
                            assertThat(insideAny(imageBoxes, x, y, 2))
                                    .as("changed pixel (%d, %d) of image %d lies in a box", x, y, i).isTrue();
                        }
                    }
                }
                for (ObjectBox box : imageBoxes) {
                    double inside = maxAbs(difference, box.x(), box.y(), box.width(), box.height());
                    // an edge pixel is at least half inside the object, and seen (CT) or of some thickness (DX)
                    double edge = ct ? PhantomGenerator.VISIBLE_CONTRAST_HU / 2 : 0.02 * inside;
                    assertThat(inside).as("%s changes its box", box).isGreaterThan(edge);
                    assertThat(maxAbs(difference, box.x(), box.y(), box.width(), 1)).as("top edge of %s", box)
                            .isGreaterThanOrEqualTo(edge);
                    assertThat(maxAbs(difference, box.x(), box.y() + box.height() - 1, box.width(), 1))
                            .as("bottom edge of %s", box).isGreaterThanOrEqualTo(edge);
                    assertThat(maxAbs(difference, box.x(), box.y(), 1, box.height())).as("left edge of %s", box)
                            .isGreaterThanOrEqualTo(edge);
                    assertThat(maxAbs(difference, box.x() + box.width() - 1, box.y(), 1, box.height()))
                            .as("right edge of %s", box).isGreaterThanOrEqualTo(edge);
                }
            }
            assertThat(boxes).as("boxes with CT fraction %s, variation %s", ctFraction, variation)
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void nodulesAreBrighterThanTheirSurroundingsAndCalcificationsVeryBright() {
        Set<LesionClass> checked = new HashSet<>();
        for (double ctFraction : new double[] {1, 0}) {
            boolean ct = ctFraction == 1;
            for (SyntheticImage image : images(plain(21, ctFraction, "3:3", "10", "0"), 4)) {
                for (ObjectBox box : image.boxes()) {
                    double inside = mean(image.pixels(), box.x(), box.y(), box.width(), box.height());
                    double surroundings = ringMean(image.pixels(), box, 3);
                    double brightest = max(image.pixels(), box);
                    if (box.lesionClass() == LesionClass.NODULE) {
                        assertThat(inside - surroundings).as("nodule %s above its surroundings", box)
                                .isGreaterThan(ct ? 250 : 300);
                        checked.add(box.lesionClass());
                    } else if (box.lesionClass() == LesionClass.CALCIFICATION) {
                        assertThat(brightest).as("brightest dot of %s", box).isGreaterThan(ct ? 600 : surroundings + 3000);
                        checked.add(box.lesionClass());
                    }
                }
            }
        }
        assertThat(checked).containsExactlyInAnyOrder(LesionClass.NODULE, LesionClass.CALCIFICATION);
    }

    @Test
    void ctPixelsAreSignedHuWithAirAndLungsBelowZero() {
        SyntheticImage slice = images(plain(3, 1, "0:0", "10", "0"), 1).get(1);
        float min = Float.MAX_VALUE;
        int lung = 0;
        int softTissue = 0;
        for (float value : slice.pixels()) {
            min = Math.min(min, value);
            lung += value > -950 && value < -750 ? 1 : 0;
            softTissue += value > 0 && value < 100 ? 1 : 0;
        }
        assertThat(min).isLessThan(-990);
        assertThat(lung).as("lung pixels near -850 HU").isGreaterThan(SIZE * SIZE / 10);
        assertThat(softTissue).as("soft-tissue pixels near 40 HU").isGreaterThan(SIZE * SIZE / 10);
    }

    @Test
    void theNoiseLevelIsDrawnPerImageWithinItsRangeAndAddsThatMuchNoise() {
        for (double ctFraction : new double[] {1, 0}) {
            // DX noise is in density units: ten stored values each
            double storedPerLevel = ctFraction == 1 ? 1 : 10;
            List<SyntheticImage> clean = images(plain(8, ctFraction, "1:2", "0", "0"), 3);
            List<SyntheticImage> noisy = images(plain(8, ctFraction, "1:2", "5:60", "0"), 3);
            Set<Double> levels = new HashSet<>();
            for (int i = 0; i < clean.size(); i++) {
                double level = noisy.get(i).noise();
                assertThat(level).isBetween(5.0, 60.0);
                levels.add(level);
                assertThat(noiseStandardDeviation(noisy.get(i).pixels(), clean.get(i).pixels()) / storedPerLevel)
                        .as("noise of image %d", i).isCloseTo(level, within(0.08 * level + 0.5));
            }
            assertThat(levels).as("levels drawn per image").hasSizeGreaterThan(2);
        }
    }

    @Test
    void blurSmoothsTheImageAndIsRecorded() {
        SyntheticImage sharp = images(plain(9, 1, "2:2", "0", "0"), 1).get(1);
        SyntheticImage blurred = images(plain(9, 1, "2:2", "0", "1.5"), 1).get(1);

        assertThat(blurred.blur()).isEqualTo(1.5);
        assertThat(gradientEnergy(blurred.pixels())).isLessThan(0.6 * gradientEnergy(sharp.pixels()));
    }

    @Test
    void eachShiftChangesTheImageMeasurablyAndIsRecordedPerImage() {
        for (double ctFraction : new double[] {1, 0}) {
            List<SyntheticImage> plain = images(plain(13, ctFraction, "1:2", "10", "0"), 1);
            assertThat(plain).allMatch(image -> image.shift() == Shift.NONE);
            double unit = ctFraction == 1 ? 1 : 10;
            for (Shift kind : List.of(Shift.CONTRAST, Shift.TEXTURE, Shift.SCALE)) {
                List<SyntheticImage> shifted = images(options(13, ctFraction, "1:2", "10", "0", 1, kind), 1);
                assertThat(shifted).allMatch(image -> image.shift() == kind);
                for (int i = 0; i < plain.size(); i++) {
                    assertThat(meanAbsoluteDifference(shifted.get(i).pixels(), plain.get(i).pixels()) / unit)
                            .as("%s shift of image %d", kind, i).isGreaterThan(40);
                }
            }
        }
    }

    @Test
    void theScaleShiftZoomsTheAnatomy() {
        SyntheticImage plain = images(plain(14, 1, "0:0", "0", "0"), 1).get(0);
        SyntheticImage zoomed = images(options(14, 1, "0:0", "0", "0", 1, Shift.SCALE), 1).get(0);
        double ratio = (double) count(zoomed.pixels(), -500) / count(plain.pixels(), -500);

        assertThat(ratio < 0.7 || ratio > 1.4).as("body area ratio %s", ratio).isTrue();
    }

    static float[] difference(float[] a, float[] b) {
        float[] difference = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            difference[i] = a[i] - b[i];
        }
        return difference;
    }

    private static boolean insideAny(List<ObjectBox> boxes, int x, int y, int margin) {
        for (ObjectBox box : boxes) {
            if (x >= box.x() - margin && x < box.x() + box.width() + margin
                    && y >= box.y() - margin && y < box.y() + box.height() + margin) {
                return true;
            }
        }
        return false;
    }

    private static double maxAbs(float[] values, int x0, int y0, int width, int height) {
        double max = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                max = Math.max(max, Math.abs(values[y * SIZE + x]));
            }
        }
        return max;
    }

    static double mean(float[] values, int x0, int y0, int width, int height) {
        double sum = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                sum += values[y * SIZE + x];
            }
        }
        return sum / (width * height);
    }

    /** Mean of the ring {@code width} pixels wide around the box, within the image. */
    static double ringMean(float[] values, ObjectBox box, int width) {
        double sum = 0;
        int count = 0;
        for (int y = Math.max(0, box.y() - width); y < Math.min(SIZE, box.y() + box.height() + width); y++) {
            for (int x = Math.max(0, box.x() - width); x < Math.min(SIZE, box.x() + box.width() + width); x++) {
                boolean inBox = x >= box.x() && x < box.x() + box.width() && y >= box.y() && y < box.y() + box.height();
                if (!inBox) {
                    sum += values[y * SIZE + x];
                    count++;
                }
            }
        }
        return sum / count;
    }

    private static double max(float[] values, ObjectBox box) {
        double max = -Double.MAX_VALUE;
        for (int y = box.y(); y < box.y() + box.height(); y++) {
            for (int x = box.x(); x < box.x() + box.width(); x++) {
                max = Math.max(max, values[y * SIZE + x]);
            }
        }
        return max;
    }

    /** Standard deviation of {@code noisy − clean} over pixels that clamping cannot have touched. */
    private static double noiseStandardDeviation(float[] noisy, float[] clean) {
        double sum = 0;
        double squares = 0;
        int count = 0;
        for (int i = 0; i < noisy.length; i++) {
            if (clean[i] > -900 && clean[i] < 2500) {
                double d = noisy[i] - clean[i];
                sum += d;
                squares += d * d;
                count++;
            }
        }
        double mean = sum / count;
        return Math.sqrt(squares / count - mean * mean);
    }

    /** Sum of squared differences between neighbours: blur spreads edges and lowers it. */
    private static double gradientEnergy(float[] values) {
        double sum = 0;
        for (int y = 0; y < SIZE - 1; y++) {
            for (int x = 0; x < SIZE - 1; x++) {
                double dx = values[y * SIZE + x + 1] - values[y * SIZE + x];
                double dy = values[(y + 1) * SIZE + x] - values[y * SIZE + x];
                sum += dx * dx + dy * dy;
            }
        }
        return sum;
    }

    private static double meanAbsoluteDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static int count(float[] values, float above) {
        int count = 0;
        for (float value : values) {
            count += value > above ? 1 : 0;
        }
        return count;
    }
}
