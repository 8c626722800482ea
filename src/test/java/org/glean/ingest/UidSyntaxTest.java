package org.glean.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UidSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.5.1.4.1.1.2", "2.25.329800735698586629295641978511506172918", "0", "1.0.3"})
    void acceptsDicomUids(String uid) {
        assertThat(UidSyntax.isValid(uid)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../../etc/passwd", "1.2/3", "1.2.", ".1.2", "1..2", "1.02.3", "1.2.3a", "1.2 ",
            "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27"})
    void refusesAnythingElse(String uid) {
        assertThat(UidSyntax.isValid(uid)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65})
    void allowsAtMostSixtyFourCharacters(int length) {
        String uid = "1." + "2".repeat(length - 2);
        assertThat(UidSyntax.isValid(uid)).isEqualTo(length <= 64);
    }
}
