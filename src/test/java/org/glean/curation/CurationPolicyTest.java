package org.glean.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.glean.security.Actor;
import org.junit.jupiter.api.Test;

class CurationPolicyTest {

    private static CurationPolicy policy(Duration period) {
        return new CurationPolicy(1, null, 10, period, "operator", Instant.EPOCH);
    }

    @Test
    void dailyBudgetPeriodsAreUtcDays() {
        assertThat(policy(Duration.ofDays(1)).periodStart(Instant.parse("2026-11-27T23:59:59.999Z")))
                .isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(policy(Duration.ofDays(1)).periodStart(Instant.parse("2026-11-28T00:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
        assertThat(policy(Duration.ofHours(6)).periodStart(Instant.parse("2026-11-27T13:10:00Z")))
                .isEqualTo(Instant.parse("2026-11-27T12:00:00Z"));
    }

    @Test
    void changeOutOfRangeNamesTheField() {
        assertThatThrownBy(() -> new CurationPolicy.Change(Double.NaN, 0, Duration.ofDays(1), new Actor("operator", null)))
                .hasMessageContaining("informativeness_threshold must be a finite number");
        assertThatThrownBy(() -> new CurationPolicy.Change(null, -1, Duration.ofDays(1), new Actor("operator", null)))
                .hasMessageContaining("budget_per_period must be 0 (no budget) or positive, got -1");
        assertThatThrownBy(() -> new CurationPolicy.Change(null, 5, Duration.ofMillis(1500), new Actor("operator", null)))
                .hasMessageContaining("budget_period must be whole seconds");
        assertThatThrownBy(() -> new CurationPolicy.Change(null, 5, Duration.ofDays(367), new Actor("operator", null)))
                .hasMessageContaining("366 days");
        assertThatThrownBy(() -> new CurationPolicy.Change(null, 5, Duration.ofDays(1), new Actor("op\u0000", null)))
                .hasMessageContaining("changed_by holds control characters");
    }

    @Test
    void describesItselfForDecisions() {
        assertThat(new CurationPolicy(3, 1.5, 0, Duration.ofDays(1), "operator", Instant.EPOCH).describe())
                .isEqualTo("policy v3 (threshold 1.5, budget none)");
        assertThat(policy(Duration.ofDays(1)).describe()).isEqualTo("policy v1 (threshold none, budget 10 per PT24H)");
    }
}
