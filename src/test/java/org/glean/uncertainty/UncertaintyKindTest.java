package org.glean.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UncertaintyKindTest {

    @Test
    void picksTheValueAtItsOwnPosition() {
        assertThat(Arrays.stream(UncertaintyKind.values()).map(kind -> kind.of("ep_loc", "al_loc", "ep_cls", "al_cls")))
                .containsExactly("ep_loc", "al_loc", "ep_cls", "al_cls");
    }

    @Test
    void namesTheComponentsOfTheRecordsThatCarryOneValuePerKind() {
        String[] kinds = Arrays.stream(UncertaintyKind.values()).map(UncertaintyKind::component).toArray(String[]::new);

        assertThat(components(ObjectUncertainty.class)).containsExactly(kinds);
        assertThat(components(StandardizedUncertainty.class)).containsExactly(kinds);
        assertThat(components(UncertaintyStatistics.class)).containsExactly(kinds);
    }

    // UncertaintyStatistics leads with its objectCount
    private static String[] components(Class<? extends Record> record) {
        return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName)
                .filter(name -> !name.equals("objectCount")).toArray(String[]::new);
    }
}
