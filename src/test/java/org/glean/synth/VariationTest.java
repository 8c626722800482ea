package org.glean.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VariationTest {

    @Test
    void noVariationKeepsEverySiteAKnob() {
        Variation none = Variation.draw(new SplittableRandom(1), 0, new SplittableRandom(2), 0);

        assertThat(none).isSameAs(Variation.NONE);
        assertThat(none.bodyExponent).isEqualTo(2);
        assertThat(none.lungExponent).isEqualTo(2);
        assertThat(none.lungScale).isEqualTo(1);
        assertThat(none.heartScale).isEqualTo(1);
        assertThat(none.enhancement).isZero();
        assertThat(none.vesselWidth).isEqualTo(1);
        assertThat(none.table).isFalse();
        assertThat(none.dxHeartDensity).isEqualTo(270);
        assertThat(none.dxLungDensity).isEqualTo(-500);
        assertThat(none.dxRibDensity).isEqualTo(90);
        assertThat(none.collimation).isZero();
        assertThat(none.densityGamma).isEqualTo(1);
        assertThat(none.noiseCorrelation).isZero();
        assertThat(none.signalDependentNoise).isFalse();
        for (LesionClass lesionClass : LesionClass.values()) {
            assertThat(none.form(lesionClass)).isEqualTo(Variation.Form.SOLID);
        }
    }

    @Test
    void fullVariationDrawsEveryFormOfEachClassAndOnlyThatClass() {
        Set<Variation.Form> nodules = EnumSet.noneOf(Variation.Form.class);
        Set<Variation.Form> masses = EnumSet.noneOf(Variation.Form.class);
        Set<Variation.Form> calcifications = EnumSet.noneOf(Variation.Form.class);
        SplittableRandom seeds = new SplittableRandom(3);
        for (int series = 0; series < 200; series++) {
            Variation variation = Variation.draw(seeds.split(), 1, null, 0);
            nodules.add(variation.form(LesionClass.NODULE));
            masses.add(variation.form(LesionClass.MASS));
            calcifications.add(variation.form(LesionClass.CALCIFICATION));
        }

        assertThat(nodules).containsExactlyInAnyOrder(Variation.Form.SOLID, Variation.Form.SPICULATED,
                Variation.Form.PART_SOLID);
        assertThat(masses).containsExactlyInAnyOrder(Variation.Form.SOLID, Variation.Form.SPICULATED,
                Variation.Form.CAVITATED, Variation.Form.GROUND_GLASS);
        assertThat(calcifications).containsExactlyInAnyOrder(Variation.Form.SOLID, Variation.Form.LINEAR);
    }

    @Test
    void aVariedSetIsDeterministicAndDiffersFromSiteA() {
        SynthOptions varied = PhantomGeneratorTest.varied(8, 0.5, "1:3", "5:30", 1);
        List<SyntheticImage> first = PhantomGeneratorTest.images(varied, 4);
        List<SyntheticImage> second = PhantomGeneratorTest.images(varied, 4);
        List<SyntheticImage> siteA = PhantomGeneratorTest.images(PhantomGeneratorTest.varied(8, 0.5, "1:3", "5:30", 0), 4);

        assertThat(first).hasSameSizeAs(siteA);
        int differing = 0;
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).pixels()).containsExactly(first.get(i).pixels());
            assertThat(second.get(i).boxes()).isEqualTo(first.get(i).boxes());
            assertThat(first.get(i).sopInstanceUid()).isEqualTo(siteA.get(i).sopInstanceUid());
            differing += Arrays.equals(first.get(i).pixels(), siteA.get(i).pixels()) ? 0 : 1;
        }
        assertThat(differing).isEqualTo(first.size());
    }

    @Test
    void collimationSetsTheBorderToTheCollimatorsDensity() {
        Variation variation = null;
        SplittableRandom seeds = new SplittableRandom(5);
        while (variation == null || variation.collimation == 0) {
            variation = Variation.draw(seeds.split(), 1, null, 0);
        }
        Raster raster = new Raster(100, 300);
        variation.collimate(raster);
        int border = (int) Math.round(variation.collimation * 100);

        assertThat(raster.values[0]).isEqualTo((float) variation.collimatorDensity);
        assertThat(raster.values[(border - 1) * 100 + 50]).isEqualTo((float) variation.collimatorDensity);
        assertThat(raster.values[border * 100 + border]).isEqualTo(300f);
        assertThat(raster.values[50 * 100 + 100 - border]).isEqualTo((float) variation.collimatorDensity);
    }

    @Test
    void objectSizesVaryFromHalvedToDoubledAndOnlyWithASizeAmount() {
        Variation sizesOnly = Variation.draw(new SplittableRandom(1), 0, new SplittableRandom(5), 1);
        DoubleSummaryStatistics nodules = new DoubleSummaryStatistics();
        DoubleSummaryStatistics masses = new DoubleSummaryStatistics();
        for (int i = 0; i < 2000; i++) {
            nodules.accept(sizesOnly.sizeFactor(LesionClass.NODULE));
            masses.accept(sizesOnly.sizeFactor(LesionClass.MASS));
        }

        assertThat(nodules.getMin()).isBetween(0.5, 0.52);
        assertThat(nodules.getMax()).isBetween(1.95, 2.0);
        assertThat(masses.getMin()).isBetween(0.5, 0.52);
        assertThat(masses.getMax()).isBetween(1.45, 1.5);
        assertThat(Variation.NONE.sizeFactor(LesionClass.NODULE)).isEqualTo(1);
        // sizes alone leave every other knob at site A's
        assertThat(sizesOnly.bodyExponent).isEqualTo(2);
        assertThat(sizesOnly.form(LesionClass.MASS)).isEqualTo(Variation.Form.SOLID);
    }

    @Test
    void sizeVariationWidensTheBoxesAndAbsentLeavesASetAsItWas() {
        SynthOptions siteA = PhantomGeneratorTest.varied(8, 0, "2:3", "5", 0);
        List<SyntheticImage> plain = PhantomGeneratorTest.images(siteA, 4);
        List<SyntheticImage> zeroSizes = PhantomGeneratorTest.images(withSizeVariation(siteA, 0, 4), 4);
        for (int i = 0; i < plain.size(); i++) {
            assertThat(zeroSizes.get(i).pixels()).containsExactly(plain.get(i).pixels());
        }

        int siteANodules = largestNodule(PhantomGeneratorTest.images(withSizeVariation(siteA, 0, 60), 60));
        int variedNodules = largestNodule(PhantomGeneratorTest.images(withSizeVariation(siteA, 1, 60), 60));
        assertThat(variedNodules).isGreaterThan(siteANodules + siteANodules / 3);
    }

    private static SynthOptions withSizeVariation(SynthOptions o, double sizeVariation, int studies) {
        return new SynthOptions(o.seed(), studies, o.slicesPerSeries(), o.projectionsPerStudy(), o.imageSize(),
                o.ctFraction(), o.objectsPerImage(), o.normalFraction(), o.noise(), o.blur(), o.shiftProbability(),
                o.shiftKinds(), o.site(), o.dxImageSize(), o.variation(), sizeVariation);
    }

    private static int largestNodule(List<SyntheticImage> images) {
        return images.stream().flatMap(image -> image.boxes().stream())
                .filter(box -> box.lesionClass() == LesionClass.NODULE)
                .mapToInt(box -> Math.max(box.width(), box.height())).max().orElseThrow();
    }
}
