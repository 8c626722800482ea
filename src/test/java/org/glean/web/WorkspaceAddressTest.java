package org.glean.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class WorkspaceAddressTest {

    @Test
    void theAddressIsHttpsOnTheServersPortByTheMachinesNameWhenListeningEverywhere() throws Exception {
        assertThat(WorkspaceAddress.url(true, "0.0.0.0", 9090))
                .isEqualTo("https://" + InetAddress.getLocalHost().getHostName() + ":9090/");
        assertThat(WorkspaceAddress.url(true, "glean.example.org", 443)).isEqualTo("https://glean.example.org:443/");
        assertThat(WorkspaceAddress.url(false, "127.0.0.1", 9090)).isEqualTo("http://127.0.0.1:9090/");
        assertThat(WorkspaceAddress.url(false, "::1", 9090)).isEqualTo("http://[::1]:9090/");
    }
}
