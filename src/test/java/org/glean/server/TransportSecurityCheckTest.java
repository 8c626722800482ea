package org.glean.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.glean.cli.GleanCommand;
import org.glean.security.ClientChannels;
import org.junit.jupiter.api.Test;

class TransportSecurityCheckTest {

    @Test
    void plaintextIsRefusedUnlessTheServerListensOnLoopback() {
        assertThatThrownBy(() -> TransportSecurityCheck.check(false, "0.0.0.0", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback only");
        assertThatThrownBy(() -> TransportSecurityCheck.check(false, "10.1.2.3", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> TransportSecurityCheck.check(false, "127.0.0.1", false)).doesNotThrowAnyException();
        assertThatCode(() -> TransportSecurityCheck.check(false, "localhost", false)).doesNotThrowAnyException();
    }

    @Test
    void tlsWithoutACertificateIsRefused() {
        assertThatThrownBy(() -> TransportSecurityCheck.check(true, "0.0.0.0", false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no certificate");
        assertThatCode(() -> TransportSecurityCheck.check(true, "0.0.0.0", true)).doesNotThrowAnyException();
    }

    @Test
    void clientsRefusePlaintextToAnotherHost() {
        assertThatThrownBy(() -> ClientChannels.plaintext("192.0.2.1", 9090))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback only");
        assertThatThrownBy(() -> ClientChannels.plaintext("glean.example.org", 9090))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(GleanCommand.execute("export", "--plaintext", "--host", "192.0.2.1", "--out", "x.json")).isEqualTo(2);
    }
}
