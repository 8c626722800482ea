package org.glean.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.glean.security.TokenSigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerificationCostTest {

    @TempDir
    Path security;

    @Test
    void verifiesTokensSignedWithTheFoldersKey() {
        TokenSigningKey.ensure(security);

        assertThat(TokenVerificationCost.perCall(security, 1, 5)).isPositive();
    }

    @Test
    void refusesAVerifyKeyThatDoesNotMatchTheSigningKey() throws Exception {
        TokenSigningKey.ensure(security);
        Path other = Files.createDirectory(security.resolve("other"));
        TokenSigningKey.ensure(other);
        Files.copy(other.resolve(TokenSigningKey.PUBLIC_KEY), security.resolve(TokenSigningKey.PUBLIC_KEY),
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> TokenVerificationCost.perCall(security, 0, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not verify");
    }
}
