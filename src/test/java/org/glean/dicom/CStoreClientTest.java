package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sending one instance to Glean's own SCP on loopback, and to peers that stay silent. */
class CStoreClientTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    static byte[] instance;

    @BeforeAll
    static void writeInstance() throws Exception {
        instance = Files.readAllBytes(DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64),
                Syntax.EXPLICIT_LITTLE));
    }

    @Test
    void storesTheInstanceAndReleasesTheAssociation() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        try (StorageScp scp = scpAnswering(CStoreOutcome.success(), received)) {
            client(scp.port(), "STORE-SCP").store(instance);
        }
        assertThat(received).hasSize(1);
        // the SCP hands on a Part-10 file: the data set sent follows its File Meta Information
        assertThat(Arrays.copyOfRange(received.get(0), received.get(0).length - 1000, received.get(0).length))
                .isEqualTo(Arrays.copyOfRange(instance, instance.length - 1000, instance.length));
    }

    @Test
    void aFailureStatusIsAnErrorNamingTheScp() throws Exception {
        try (StorageScp scp = scpAnswering(CStoreOutcome.outOfResources("disk full"), new CopyOnWriteArrayList<>())) {
            CStoreClient client = client(scp.port(), "STORE-SCP");
            assertThatThrownBy(() -> client.store(instance)).isInstanceOf(DimseException.class)
                    .hasMessageContaining("STORE-SCP@127.0.0.1", "did not store the instance");
        }
    }

    @Test
    void aPeerSilentFromTheStartOrAfterAssociatingEndsTheStoreWithinTheRequestTimeout() throws Exception {
        try (SilentPeer silent = SilentPeer.silentFromTheStart()) {
            assertSilence(client(silent.port(), "SILENT"),
                    "did not answer the C-STORE association request within PT1S (request-timeout)");
        }
        try (SilentPeer silent = SilentPeer.silentAfterAssociating()) {
            assertSilence(client(silent.port(), "SILENT"), "stayed silent longer than PT1S (request-timeout)");
        }
    }

    private static void assertSilence(CStoreClient client, String message) {
        Instant start = Instant.now();
        assertThatThrownBy(() -> client.store(instance)).isInstanceOf(DimseException.class)
                .hasMessageContaining(message).hasMessageContaining("SILENT@127.0.0.1");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    private static CStoreClient client(int port, String calledAeTitle) {
        return new CStoreClient(new DimsePeer("127.0.0.1", port, calledAeTitle, "GLEAN", Duration.ofSeconds(2),
                REQUEST_TIMEOUT));
    }

    // Keeps each instance's bytes and answers with the outcome given.
    private static StorageScp scpAnswering(CStoreOutcome answer, List<byte[]> received) throws Exception {
        StorageScp.Admission loopback = new StorageScp.Admission(CallerAllowList.parse(List.of("*@127.0.0.1")),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        return StorageScp.start(InetAddress.getLoopbackAddress(), 0, "STORE-SCP", 2, loopback,
                (caller, peer) -> () -> new InstanceInMemory(bytes -> {
                    received.add(bytes);
                    return answer;
                }));
    }
}
