package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HeldOutSplitTest {

    private static final List<String> STUDIES = IntStream.range(0, 2000)
            .mapToObj(i -> "2.25." + (1_000_000_007L * i + 12345)).toList();

    @Test
    void aStudyStaysOnItsSideWhateverElseIsAnnotated() {
        HeldOutSplit split = new HeldOutSplit(0.2);
        List<Boolean> first = STUDIES.stream().map(split::heldOut).toList();
        List<Boolean> again = STUDIES.stream().map(new HeldOutSplit(0.2)::heldOut).toList();

        assertThat(again).isEqualTo(first);
    }

    @Test
    void aboutTheShareIsHeldOutAndALargerShareKeepsTheSmallersStudies() {
        HeldOutSplit fifth = new HeldOutSplit(0.2);
        HeldOutSplit half = new HeldOutSplit(0.5);

        long heldOut = STUDIES.stream().filter(fifth::heldOut).count();

        // binomial(2000, 0.2): mean 400, sd 18
        assertThat(heldOut).isBetween(330L, 470L);
        assertThat(STUDIES.stream().filter(fifth::heldOut)).allMatch(half::heldOut);
    }

    @Test
    void shareOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new HeldOutSplit(0)).hasMessageContaining("glean.training.held-out-share");
        assertThatThrownBy(() -> new HeldOutSplit(1)).hasMessageContaining("glean.training.held-out-share");
    }
}
