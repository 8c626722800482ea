package org.glean.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VariationTest {

    @Test
    void noVariationKeepsEverySiteAKnob() {
        Variation none = Variation.draw(new SplittableRandom(1), 0);

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
            Variation variation = Variation.draw(seeds.split(), 1);
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
            variation = Variation.draw(seeds.split(), 1);
        }
        Raster raster = new Raster(100, 300);
        variation.collimate(raster);
        int border = (int) Math.round(variation.collimation * 100);

        assertThat(raster.values[0]).isEqualTo((float) variation.collimatorDensity);
        assertThat(raster.values[(border - 1) * 100 + 50]).isEqualTo((float) variation.collimatorDensity);
        assertThat(raster.values[border * 100 + border]).isEqualTo(300f);
        assertThat(raster.values[50 * 100 + 100 - border]).isEqualTo((float) variation.collimatorDensity);
    }
}
