package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromotionGateTest {

    private static final PromotionGate.Evidence REQUIRED = new PromotionGate.Evidence(5, 20);

    @Test
    void aVersionAtLeastAsGoodIsPromoted() {
        assertThat(PromotionGate.judge("new", 0.5, "old", 0.5, new PromotionGate.Evidence(5, 20), REQUIRED).promote())
                .isTrue();
        assertThat(PromotionGate.judge("new", 0.61, "old", 0.6, new PromotionGate.Evidence(6, 31), REQUIRED).reason())
                .isEqualTo("promoted: mAP@0.5 0.6100 of new against 0.6000 of the current version old on 6 studies "
                        + "with 31 objects held out");
    }

    @Test
    void aWorseVersionStaysACandidateWithTheFigures() {
        PromotionGate.Verdict verdict = PromotionGate.judge("new", 0.4999, "old", 0.5,
                new PromotionGate.Evidence(8, 40), REQUIRED);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).isEqualTo("kept as a candidate: it validates worse than the current version, "
                + "mAP@0.5 0.4999 of new against 0.5000 of the current version old on 8 studies with 40 objects held out");
    }

    @Test
    void tooFewHeldOutStudiesOrObjectsKeepEvenABetterVersionWaitingForAnnotations() {
        PromotionGate.Verdict fewStudies = PromotionGate.judge("new", 0.9, "old", 0.1, new PromotionGate.Evidence(4, 50),
                REQUIRED);
        PromotionGate.Verdict fewObjects = PromotionGate.judge("new", 0.9, "old", 0.1, new PromotionGate.Evidence(1, 1),
                REQUIRED);

        assertThat(fewStudies.promote()).isFalse();
        assertThat(fewObjects.promote()).isFalse();
        assertThat(fewObjects.reason()).isEqualTo("kept as a candidate until more annotations arrive: the gate decides "
                + "on at least 5 studies with 20 objects held out (glean.training.gate.*), mAP@0.5 0.9000 of new against "
                + "0.1000 of the current version old on 1 study with 1 object held out");
    }
}
