package org.glean.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FineTuneScheduleTest {

    @Test
    void aFewAnnotatedStudiesGetTheMinimumOfUpdatesInTenRoundsRatherThanTenTinyEpochs() {
        FineTuneSchedule schedule = FineTuneSchedule.of(40, 16, 10, 150, 1500, 0.2);

        assertThat(schedule).isEqualTo(new FineTuneSchedule(150, 30, 15));
        assertThat(schedule.rounds()).isEqualTo(10);
    }

    @Test
    void aMidSizedSetGetsItsEpochsAndValidatesAfterEach() {
        FineTuneSchedule schedule = FineTuneSchedule.of(2000, 16, 10, 150, 1500, 0.2);

        assertThat(schedule).isEqualTo(new FineTuneSchedule(1250, 250, 125));
        assertThat(schedule.rounds()).isEqualTo(10);
    }

    @Test
    void aLargeSetStopsAtTheMaximumAndItsLastRoundIsShorter() {
        FineTuneSchedule schedule = FineTuneSchedule.of(5000, 16, 10, 150, 1500, 0);

        assertThat(schedule).isEqualTo(new FineTuneSchedule(1500, 0, 313));
        assertThat(schedule.rounds()).isEqualTo(5);
        assertThat(schedule.stepsIn(0)).isEqualTo(313);
        assertThat(schedule.stepsIn(4)).isEqualTo(1500 - 4 * 313);
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> FineTuneSchedule.of(10, 16, 10, 200, 100, 0.2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min-steps");
        assertThatThrownBy(() -> FineTuneSchedule.of(10, 16, 10, 10, 100, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frozen share");
    }
}
