package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromotionGateTest {

    @Test
    void aVersionAtLeastAsGoodIsPromoted() {
        assertThat(PromotionGate.judge("new", 0.5, "old", 0.5, 3).promote()).isTrue();
        assertThat(PromotionGate.judge("new", 0.61, "old", 0.6, 3).reason())
                .isEqualTo("promoted: mAP@0.5 0.6100 of new against 0.6000 of the current version old on 3 held-out studies");
    }

    @Test
    void aWorseVersionStaysACandidateWithTheFigures() {
        PromotionGate.Verdict verdict = PromotionGate.judge("new", 0.4999, "old", 0.5, 1);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).isEqualTo("kept as a candidate: it validates worse than the current version, "
                + "mAP@0.5 0.4999 of new against 0.5000 of the current version old on 1 held-out study");
    }
}
