package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DicomUidTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "1.2.840.10008.1.2.1", "0.0.0.0.2.8811.20010413115754.12432",
        "999.999.2.19960619.163000", "2.25.329800735698586629295641978511506172918",
        "1.2.3.4567890123456789012345678901234567890123456789012345678901"})
    void standardUidsAreValid(String uid) {
        assertThat(DicomUid.isValid(uid)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.", ".1", "1..2", "01.2", "1.02", "1.2.3a", "1.2/3", "../../etc/passwd", "..",
        "1.2.3 ", "1,2", "1.2.3.45678901234567890123456789012345678901234567890123456789012"})
    void anythingElseIsInvalid(String uid) {
        assertThat(DicomUid.isValid(uid)).isFalse();
    }
}
