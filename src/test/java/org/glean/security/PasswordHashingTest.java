package org.glean.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashingTest {

    @Test
    void aHashMatchesItsPasswordOnlyAndNeverContainsIt() {
        String hash = PasswordHashing.hash("correct horse battery".toCharArray());

        assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain("correct horse");
        assertThat(PasswordHashing.matches("correct horse battery".toCharArray(), hash)).isTrue();
        assertThat(PasswordHashing.matches("correct horse batterY".toCharArray(), hash)).isFalse();
        assertThat(PasswordHashing.hash("correct horse battery".toCharArray())).as("salted").isNotEqualTo(hash);
    }
}
