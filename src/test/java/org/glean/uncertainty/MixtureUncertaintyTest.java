package org.glean.uncertainty;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Method.md §4 against values worked out by hand in the comments. */
class MixtureUncertaintyTest {

    private static final double EXACT = 1e-12;

    @Test
    void singleComponentHasZeroEpistemicAndItsOwnVarianceAsAleatoric() {
        // K = 1: Σ_j π^j μ^j = μ^1, so u_ep = 1·(μ^1 − μ^1)² = 0 and u_al = 1·Σ^1.
        LocalizationMixture localization = new LocalizationMixture(
                new double[][] {{1}, {1}, {1}, {1}},
                new double[][] {{3.5}, {-2}, {0.25}, {7}},
                new double[][] {{0.1}, {0.7}, {0.3}, {0.2}});
        MixtureUncertainty[] perCoordinate = localization.uncertaintyPerCoordinate();
        assertThat(perCoordinate).extracting(MixtureUncertainty::epistemic).containsOnly(0.0);
        assertThat(perCoordinate).extracting(MixtureUncertainty::aleatoric).containsExactly(0.1, 0.7, 0.3, 0.2);

        ClassificationMixture classification = new ClassificationMixture(
                new double[] {1}, new double[][] {{2, -1, 0.5}}, new double[][] {{0.4, 0.9, 0.1}});
        MixtureUncertainty[] perClass = classification.uncertaintyPerClass();
        assertThat(perClass).extracting(MixtureUncertainty::epistemic).containsOnly(0.0);
        assertThat(perClass).extracting(MixtureUncertainty::aleatoric).containsExactly(0.4, 0.9, 0.1);

        ObjectUncertainty object = ObjectUncertainty.of(localization, classification, ClassUncertaintyMode.MAX_OVER_CLASSES, 1);
        assertThat(object).isEqualTo(new ObjectUncertainty(0, 0.7, 0, 0.9));
    }

    @Test
    void identicalComponentsHaveZeroEpistemic() {
        // Three components with the same mean: the mixture mean is that mean, every deviation is 0.
        // u_al = 0.2·0.5 + 0.3·0.5 + 0.5·0.5 = 0.5.
        double[] weights = {0.2, 0.3, 0.5};
        LocalizationMixture localization = new LocalizationMixture(
                new double[][] {weights, weights, weights, weights},
                new double[][] {{1.5, 1.5, 1.5}, {-4, -4, -4}, {0.3, 0.3, 0.3}, {0, 0, 0}},
                new double[][] {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}});
        for (MixtureUncertainty coordinate : localization.uncertaintyPerCoordinate()) {
            assertThat(coordinate.epistemic()).isCloseTo(0, within(1e-15));
            assertThat(coordinate.aleatoric()).isCloseTo(0.5, within(EXACT));
        }

        // Identical logits give identical class probabilities p^k, hence zero epistemic per class.
        ClassificationMixture classification = new ClassificationMixture(weights,
                new double[][] {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}},
                new double[][] {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}});
        for (MixtureUncertainty perClass : classification.uncertaintyPerClass()) {
            assertThat(perClass.epistemic()).isCloseTo(0, within(1e-15));
            assertThat(perClass.aleatoric()).isCloseTo(0.5, within(EXACT));
        }
    }

    @Test
    void allWeightOnOneComponentGivesThatComponentsVarianceAndZeroEpistemic() {
        // π = (0, 1, 0): the mixture mean is μ^2; components 1 and 3 enter u_ep with weight 0;
        // u_al = Σ^2. The other components' means and variances are far off on purpose.
        double[] weights = {0, 1, 0};
        LocalizationMixture localization = new LocalizationMixture(
                new double[][] {weights, weights, weights, weights},
                new double[][] {{-9, 1, 9}, {-9, 2, 9}, {-9, 3, 9}, {-9, 4, 9}},
                new double[][] {{0.9, 0.1, 0.9}, {0.9, 0.2, 0.9}, {0.9, 0.3, 0.9}, {0.9, 0.4, 0.9}});
        MixtureUncertainty[] perCoordinate = localization.uncertaintyPerCoordinate();
        assertThat(perCoordinate).extracting(MixtureUncertainty::epistemic).containsOnly(0.0);
        assertThat(perCoordinate).extracting(MixtureUncertainty::aleatoric).containsExactly(0.1, 0.2, 0.3, 0.4);

        ClassificationMixture classification = new ClassificationMixture(weights,
                new double[][] {{9, -9}, {0, 1}, {-9, 9}},
                new double[][] {{0.9, 0.9}, {0.25, 0.75}, {0.9, 0.9}});
        MixtureUncertainty[] perClass = classification.uncertaintyPerClass();
        assertThat(perClass).extracting(MixtureUncertainty::epistemic).containsOnly(0.0);
        assertThat(perClass).extracting(MixtureUncertainty::aleatoric).containsExactly(0.25, 0.75);
    }

    @Test
    void localizationTwoComponentExampleTakesEachMaximumOverCoordinatesSeparately() {
        // x: π = (0.25, 0.75), μ = (2, −2), Σ = (0.4, 0.2)
        //    mean = 0.25·2 + 0.75·(−2) = −1
        //    u_ep = 0.25·(2+1)² + 0.75·(−2+1)² = 2.25 + 0.75 = 3
        //    u_al = 0.25·0.4 + 0.75·0.2 = 0.1 + 0.15 = 0.25
        // y: π = (0.5, 0.5), μ = (1, 3), Σ = (0.1, 0.9)
        //    mean = 2; u_ep = 0.5·1 + 0.5·1 = 1; u_al = 0.05 + 0.45 = 0.5
        // w: π = (1, 0), μ = (0.7, 5), Σ = (0.3, 0.8)
        //    mean = 0.7; u_ep = 0; u_al = 0.3
        // h: π = (0.8, 0.2), μ = (0, 1), Σ = (0.6, 0.6)
        //    mean = 0.2; u_ep = 0.8·0.04 + 0.2·0.64 = 0.032 + 0.128 = 0.16; u_al = 0.6
        // object: ep_loc = max(3, 1, 0, 0.16) = 3 (from x), al_loc = max(0.25, 0.5, 0.3, 0.6) = 0.6 (from h)
        LocalizationMixture mixture = new LocalizationMixture(
                new double[][] {{0.25, 0.75}, {0.5, 0.5}, {1, 0}, {0.8, 0.2}},
                new double[][] {{2, -2}, {1, 3}, {0.7, 5}, {0, 1}},
                new double[][] {{0.4, 0.2}, {0.1, 0.9}, {0.3, 0.8}, {0.6, 0.6}});

        MixtureUncertainty[] perCoordinate = mixture.uncertaintyPerCoordinate();
        double[] epistemic = {3, 1, 0, 0.16};
        double[] aleatoric = {0.25, 0.5, 0.3, 0.6};
        for (int b = 0; b < LocalizationMixture.COORDINATES; b++) {
            assertThat(perCoordinate[b].epistemic()).as("u_ep of coordinate %d", b).isCloseTo(epistemic[b], within(EXACT));
            assertThat(perCoordinate[b].aleatoric()).as("u_al of coordinate %d", b).isCloseTo(aleatoric[b], within(EXACT));
        }
        MixtureUncertainty object = mixture.uncertainty();
        assertThat(object.epistemic()).isCloseTo(3, within(EXACT));
        assertThat(object.aleatoric()).isCloseTo(0.6, within(EXACT));
    }

    /**
     * K = 2, C+1 = 3 classes, π = (0.75, 0.25).
     * μ^1 = (0, ln 2, 0)  → exp = (1, 2, 1), sum 4 → p^1 = (0.25, 0.5, 0.25)
     * μ^2 = (ln 3, 0, 0)  → exp = (3, 1, 1), sum 5 → p^2 = (0.6, 0.2, 0.2)
     * For K = 2, u_ep = π¹π²(p¹ − p²)² with π¹π² = 0.1875:
     *   class 0: 0.1875·0.35² = 0.1875·0.1225 = 0.02296875
     *   class 1: 0.1875·0.3²  = 0.1875·0.09   = 0.016875
     *   class 2: 0.1875·0.05² = 0.1875·0.0025 = 0.00046875
     * Σ^1 = (0.2, 0.4, 0.6), Σ^2 = (0.8, 0.4, 0.2):
     *   class 0: 0.75·0.2 + 0.25·0.8 = 0.35
     *   class 1: 0.75·0.4 + 0.25·0.4 = 0.4
     *   class 2: 0.75·0.6 + 0.25·0.2 = 0.5
     */
    private static ClassificationMixture workedClassificationExample() {
        return new ClassificationMixture(new double[] {0.75, 0.25},
                new double[][] {{0, Math.log(2), 0}, {Math.log(3), 0, 0}},
                new double[][] {{0.2, 0.4, 0.6}, {0.8, 0.4, 0.2}});
    }

    @Test
    void classificationTwoComponentExampleGivesPerClassValues() {
        MixtureUncertainty[] perClass = workedClassificationExample().uncertaintyPerClass();
        double[] epistemic = {0.02296875, 0.016875, 0.00046875};
        double[] aleatoric = {0.35, 0.4, 0.5};
        for (int p = 0; p < 3; p++) {
            assertThat(perClass[p].epistemic()).as("u_ep of class %d", p).isCloseTo(epistemic[p], within(EXACT));
            assertThat(perClass[p].aleatoric()).as("u_al of class %d", p).isCloseTo(aleatoric[p], within(EXACT));
        }
    }

    @Test
    void classificationMaxOverClassesDiffersFromDetectedClassOption() {
        ClassificationMixture mixture = workedClassificationExample();
        // Patent default: max over all classes, separately → ep from class 0 (background), al from class 2.
        MixtureUncertainty maxOverClasses = mixture.uncertainty(ClassUncertaintyMode.MAX_OVER_CLASSES, 1);
        assertThat(maxOverClasses.epistemic()).isCloseTo(0.02296875, within(EXACT));
        assertThat(maxOverClasses.aleatoric()).isCloseTo(0.5, within(EXACT));
        // Reference-code option: the detected class's own values, here class 1.
        MixtureUncertainty detected = mixture.uncertainty(ClassUncertaintyMode.DETECTED_CLASS, 1);
        assertThat(detected.epistemic()).isCloseTo(0.016875, within(EXACT));
        assertThat(detected.aleatoric()).isCloseTo(0.4, within(EXACT));
    }

    @Test
    void objectCarriesLocalizationMaximaAndTheChosenClassificationValues() {
        LocalizationMixture localization = new LocalizationMixture(
                new double[][] {{0.25, 0.75}, {0.25, 0.75}, {0.25, 0.75}, {0.25, 0.75}},
                new double[][] {{2, -2}, {0, 0}, {0, 0}, {0, 0}},
                new double[][] {{0.4, 0.2}, {0, 0}, {0, 0}, {0, 0}});
        // x as in the localization example: u_ep = 3, u_al = 0.25; y, w, h are all zero.
        ObjectUncertainty object = ObjectUncertainty.of(localization, workedClassificationExample(),
                ClassUncertaintyMode.DETECTED_CLASS, 2);
        assertThat(object.epistemicLocalization()).isCloseTo(3, within(EXACT));
        assertThat(object.aleatoricLocalization()).isCloseTo(0.25, within(EXACT));
        assertThat(object.epistemicClassification()).isCloseTo(0.00046875, within(EXACT));
        assertThat(object.aleatoricClassification()).isCloseTo(0.5, within(EXACT));
        assertThat(object.get(UncertaintyKind.EPISTEMIC_CLASSIFICATION)).isEqualTo(object.epistemicClassification());
    }

    @Test
    void softmaxOfLargeLogitsDoesNotOverflow() {
        // Adding 1000 to every logit leaves softmax unchanged: the worked example's values must hold.
        ClassificationMixture shifted = new ClassificationMixture(new double[] {0.75, 0.25},
                new double[][] {{1000, 1000 + Math.log(2), 1000}, {1000 + Math.log(3), 1000, 1000}},
                new double[][] {{0.2, 0.4, 0.6}, {0.8, 0.4, 0.2}});
        assertThat(shifted.uncertaintyPerClass()[0].epistemic()).isCloseTo(0.02296875, within(1e-10));
    }

    @Test
    void mixturesRejectInputsThatAreNotActivatedMixtureParameters() {
        double[][] weights = {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}};
        double[][] values = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
        assertThatThrownBy(() -> new LocalizationMixture(new double[][] {{0.5, 0.5}}, values, values))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 rows");
        assertThatThrownBy(() -> new LocalizationMixture(
                new double[][] {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.6}, {0.5, 0.5}}, values, values))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights of w sums to 1.1");
        assertThatThrownBy(() -> new LocalizationMixture(weights, values,
                new double[][] {{0, 0}, {0, -0.1}, {0, 0}, {0, 0}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("variances of y[1] = -0.1");
        assertThatThrownBy(() -> new LocalizationMixture(weights, new double[][] {{0, 0}, {0, 0}, {0, 0}, {0}}, values))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("means of h must have length 2");
        assertThatThrownBy(() -> new ClassificationMixture(new double[] {1}, new double[][] {{0, Double.NaN}},
                new double[][] {{0, 0}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not finite");
        assertThatThrownBy(() -> new ClassificationMixture(new double[] {1}, new double[][] {{0}}, new double[][] {{0}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("background plus at least one");
        assertThatThrownBy(() -> workedClassificationExample().uncertainty(ClassUncertaintyMode.DETECTED_CLASS, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 is background");
    }

    @Test
    void mixturesCopyTheirArrays() {
        double[] weights = {0.5, 0.5};
        double[][] logits = {{0, 1}, {1, 0}};
        ClassificationMixture mixture = new ClassificationMixture(weights, logits, new double[][] {{0, 0}, {0, 0}});
        double before = mixture.uncertaintyPerClass()[0].epistemic();
        logits[0][0] = 50;
        mixture.logits()[1][1] = 50;
        assertThat(mixture.uncertaintyPerClass()[0].epistemic()).isEqualTo(before);
    }
}
