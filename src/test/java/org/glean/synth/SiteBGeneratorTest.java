package org.glean.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiteBGeneratorTest {

    private static final int CT_SIZE = Site.B.defaultCtSize();
    private static final int DX_SIZE = Site.B.defaultDxSize();

    /** Site B at its default sizes: three small CT series ({@code ctFraction} 1) or DX projections (0). */
    static SynthOptions siteB(long seed, double ctFraction, String objects, String noise, double shiftProbability,
                              List<Shift> kinds) {
        return new SynthOptions(seed, 3, 4, 1, CT_SIZE, ctFraction, SynthOptions.Range.parse(objects), 0,
                SynthOptions.Range.parse(noise), SynthOptions.Range.parse("0"), shiftProbability, kinds, Site.B, DX_SIZE);
    }

    static SynthOptions siteB(long seed, double ctFraction, String objects, String noise) {
        return siteB(seed, ctFraction, objects, noise, 0, Site.B.shiftKinds());
    }

    static List<SyntheticImage> images(SynthOptions options, int studies) {
        StudyGenerator generator = StudyGenerator.of(options);
        List<SyntheticImage> images = new ArrayList<>();
        for (int i = 0; i < studies; i++) {
            generator.study(i).series().forEach(series -> images.addAll(series.images()));
        }
        return images;
    }

    @Test
    void sameOptionsGiveIdenticalPixelsBoxesAndUids() {
        SynthOptions options = new SynthOptions(5, 4, 3, 1, 128, 0.5, SynthOptions.Range.parse("1:3"), 0.2,
                SynthOptions.Range.parse("5:30"), SynthOptions.Range.parse("0:1"), 0.7, Site.B.shiftKinds(), Site.B, 192);
        List<SyntheticImage> first = images(options, 4);
        List<SyntheticImage> second = images(options, 4);

        assertThat(first).hasSameSizeAs(second);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).pixels()).containsExactly(first.get(i).pixels());
            assertThat(second.get(i).boxes()).isEqualTo(first.get(i).boxes());
            assertThat(second.get(i).sopInstanceUid()).isEqualTo(first.get(i).sopInstanceUid());
            assertThat(second.get(i).shift()).isEqualTo(first.get(i).shift());
        }
        SyntheticImage otherSeed = images(siteB(6, 0.5, "1:3", "5:30"), 1).get(0);
        assertThat(otherSeed.pixels()).isNotEqualTo(first.get(0).pixels());
    }

    @Test
    void twinsAtTwoNoiseLevelsShareTheirLayoutAndCtNoiseHasTheRequestedDeviation() {
        for (double ctFraction : new double[] {1, 0}) {
            List<SyntheticImage> clean = images(siteB(8, ctFraction, "2:3", "0", 0.5, Site.B.shiftKinds()), 3);
            List<SyntheticImage> low = images(siteB(8, ctFraction, "2:3", "10", 0.5, Site.B.shiftKinds()), 3);
            List<SyntheticImage> high = images(siteB(8, ctFraction, "2:3", "40", 0.5, Site.B.shiftKinds()), 3);
            int boxes = 0;
            for (int i = 0; i < clean.size(); i++) {
                for (List<SyntheticImage> twin : List.of(low, high)) {
                    assertThat(twin.get(i).boxes()).isEqualTo(clean.get(i).boxes());
                    assertThat(twin.get(i).shift()).isEqualTo(clean.get(i).shift());
                    assertThat(twin.get(i).sopInstanceUid()).isEqualTo(clean.get(i).sopInstanceUid());
                }
                assertThat(low.get(i).noise()).isEqualTo(10);
                assertThat(high.get(i).noise()).isEqualTo(40);
                boxes += clean.get(i).boxes().size();
                if (ctFraction == 1) {
                    assertThat(SiteBStatistics.noiseDeviation(low.get(i).pixels(), clean.get(i).pixels()))
                            .as("CT noise of image %d at level 10", i).isCloseTo(10, within(1.0));
                    assertThat(SiteBStatistics.noiseDeviation(high.get(i).pixels(), clean.get(i).pixels()))
                            .as("CT noise of image %d at level 40", i).isCloseTo(40, within(4.0));
                }
            }
            assertThat(boxes).as("boxes with CT fraction %s", ctFraction).isGreaterThan(3);
        }
    }

    @Test
    void dxNoiseGrowsWithTheSquareRootOfTheDensity() {
        SyntheticImage clean = images(siteB(9, 0, "0:0", "0"), 1).get(0);
        SyntheticImage noisy = images(siteB(9, 0, "0:0", "20"), 1).get(0);
        // the noise in stored values, over what the density model predicts: about 1 at every brightness
        double[] deviation = SiteBStatistics.dxNormalisedNoiseByBrightness(noisy.pixels(), clean.pixels(), 20);
        double[] raw = SiteBStatistics.dxStoredNoiseByDensity(noisy.pixels(), clean.pixels());

        for (double normalised : deviation) {
            assertThat(normalised).isCloseTo(1, within(0.15));
        }
        // in density units the noise is about 1.9 times stronger at density 900 than at 250 (√(900/250))
        assertThat(raw[1] / raw[0]).isCloseTo(StrictMath.sqrt(900.0 / 250), within(0.3));
    }

    @Test
    void siteBNoiseIsCorrelatedWhereSiteAsIsWhite() {
        for (double ctFraction : new double[] {1, 0}) {
            SynthOptions a = PhantomGeneratorTest.plain(12, ctFraction, "1:2", "20", "0");
            SynthOptions aClean = PhantomGeneratorTest.plain(12, ctFraction, "1:2", "0", "0");
            boolean ct = ctFraction == 1;
            double siteA = SiteBStatistics.lagOneCorrelation(PhantomGeneratorTest.images(a, 1).get(0).pixels(),
                    PhantomGeneratorTest.images(aClean, 1).get(0).pixels(), 256, ct ? -1024 : 0, ct ? 3071 : 0xFFFF);
            double siteB = SiteBStatistics.lagOneCorrelation(images(siteB(12, ctFraction, "1:2", "20"), 1).get(0).pixels(),
                    images(siteB(12, ctFraction, "1:2", "0"), 1).get(0).pixels(), ct ? CT_SIZE : DX_SIZE,
                    ct ? -1024 : 0, ct ? 3071 : SiteBChestRadiograph.MAX_STORED);

            assertThat(siteA).as("site A lag-1 autocorrelation, CT fraction %s", ctFraction).isBetween(-0.05, 0.05);
            assertThat(siteB).as("site B lag-1 autocorrelation, CT fraction %s", ctFraction).isGreaterThan(0.4);
        }
    }

    @Test
    void siteBImagesAreDistributedUnlikeSiteAsWhileTwoSiteASeedsAreAlike() {
        for (double ctFraction : new double[] {1, 0}) {
            List<SyntheticImage> a = PhantomGeneratorTest.images(PhantomGeneratorTest.plain(20, ctFraction, "1:3", "15", "0"), 3);
            List<SyntheticImage> otherA = PhantomGeneratorTest.images(PhantomGeneratorTest.plain(21, ctFraction, "1:3", "15", "0"), 3);
            List<SyntheticImage> b = images(siteB(20, ctFraction, "1:3", "15"), 3);
            // CT in HU; DX as a share of each image's own range, since the two detectors store differently
            boolean ct = ctFraction == 1;
            double[] histogramA = SiteBStatistics.histogram(a, ct);
            double siteToSite = SiteBStatistics.totalVariation(histogramA, SiteBStatistics.histogram(b, ct));
            double seedToSeed = SiteBStatistics.totalVariation(histogramA, SiteBStatistics.histogram(otherA, ct));

            assertThat(siteToSite).as("A to B, CT fraction %s", ctFraction).isGreaterThan(0.1)
                    .isGreaterThan(4 * seedToSeed);
        }
    }

    @Test
    void boxesOfEveryObjectFormLieInTheImageAndCoverWhatTheObjectChanges() {
        Set<LesionClass> seen = new HashSet<>();
        for (double ctFraction : new double[] {1, 0}) {
            boolean ct = ctFraction == 1;
            int size = ct ? CT_SIZE : DX_SIZE;
            for (Shift shift : List.of(Shift.ENLARGED, Shift.SHAPE, Shift.NONE)) {
                double probability = shift == Shift.NONE ? 0 : 1;
                List<Shift> kinds = shift == Shift.NONE ? Site.B.shiftKinds() : List.of(shift);
                for (long seed = 30; seed < 32; seed++) {
                    List<SyntheticImage> with = images(siteB(seed, ctFraction, "3:3", "0", probability, kinds), 3);
                    List<SyntheticImage> without = images(siteB(seed, ctFraction, "0:0", "0", probability, kinds), 3);
                    for (int i = 0; i < with.size(); i++) {
                        assertThat(with.get(i).shift()).isEqualTo(shift);
                        // CT: an object over tissue of its own density changes pixels that cannot be seen
                        double invisible = ct ? PhantomGenerator.VISIBLE_CONTRAST_HU : 0;
                        SiteBStatistics.assertBoxesCoverChanges(with.get(i), without.get(i), size, invisible, ct);
                        with.get(i).boxes().forEach(box -> seen.add(box.lesionClass()));
                    }
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(LesionClass.values());
    }

    @Test
    void siteBStreamsAndUidsShareNothingWithSiteAsForOneSeed() {
        SynthOptions b = siteB(40, 0.5, "1:2", "10");
        SynthOptions a = new SynthOptions(40, 3, 4, 1, CT_SIZE, 0.5, SynthOptions.Range.parse("1:2"), 0,
                SynthOptions.Range.parse("10"), SynthOptions.Range.parse("0"), 0, Site.A.shiftKinds(), Site.A, DX_SIZE);
        SyntheticStudy studyA = StudyGenerator.of(a).study(0);
        SyntheticStudy studyB = StudyGenerator.of(b).study(0);

        assertThat(studyB.study().studyInstanceUid()).isNotEqualTo(studyA.study().studyInstanceUid());
        assertThat(studyB.series().get(0).series().seriesInstanceUid())
                .isNotEqualTo(studyA.series().get(0).series().seriesInstanceUid());
        Set<String> uidsA = new HashSet<>();
        images(a, 3).forEach(image -> uidsA.add(image.sopInstanceUid()));
        assertThat(images(b, 3)).noneMatch(image -> uidsA.contains(image.sopInstanceUid()));
    }
}
