package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DerivedUidsTest {

    @Test
    void sameSeedAndPathGiveTheSameValidUid() {
        String uid = DerivedUids.derive(42, "study", "7");

        assertThat(uid).isEqualTo(DerivedUids.derive(42, "study", "7")).startsWith("2.25.");
        assertThat(DicomUid.isValid(uid)).isTrue();
        assertThat(uid.length()).isLessThanOrEqualTo(44);
    }

    @Test
    void anotherSeedOrPathGivesAnotherUid() {
        String uid = DerivedUids.derive(42, "study", "7");

        assertThat(DerivedUids.derive(43, "study", "7")).isNotEqualTo(uid);
        assertThat(DerivedUids.derive(42, "study", "8")).isNotEqualTo(uid);
        assertThat(DerivedUids.derive(42, "series", "7")).isNotEqualTo(uid);
    }
}
