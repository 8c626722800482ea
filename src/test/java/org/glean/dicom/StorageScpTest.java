package org.glean.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Result;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.security.LocalCertificateAuthority;
import org.glean.security.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SCP alone, with DCMTK's storescu and echoscu as peers and a handler that keeps what it gets. */
class StorageScpTest {

    private static final String AE_TITLE = "SCP-TEST";
    private static final StorageScp.Admission LOOPBACK = admitting("*@127.0.0.1", "*@::1");

    @TempDir
    Path dir;

    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final List<String> associations = new CopyOnWriteArrayList<>();
    private CStoreOutcome answer = CStoreOutcome.success();
    private StorageScp scp;

    @AfterEach
    void stop() throws IOException {
        scp.close();
    }

    @Test
    void handsOnEachInstanceAsAPart10FileWithTheDataSetAsSent() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4, LOOPBACK, handler);
        Spec spec = Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64);
        Path explicit = DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE);
        Path rle = DcmtkFiles.write(dir, Spec.ct(spec.studyUid(), spec.seriesUid(), 1, 2, 64), Syntax.RLE);

        Result push = storescu(explicit, rle);

        assertThat(push.exitCode()).as(push.output()).isZero();
        assertThat(received).hasSize(2);
        for (int i = 0; i < 2; i++) {
            byte[] sent = Files.readAllBytes(i == 0 ? explicit : rle);
            byte[] got = received.get(i);
            assertThat(Arrays.copyOfRange(got, 128, 132)).isEqualTo("DICM".getBytes(StandardCharsets.US_ASCII));
            assertThat(dataSet(got)).isEqualTo(dataSet(sent));
            Path copy = Files.write(dir.resolve("received-" + i + ".dcm"), got);
            assertThat(DcmtkFiles.run(List.of("dcmdump", copy.toString())))
                    .contains(i == 0 ? "=LittleEndianExplicit" : "=RLELossless");
        }
    }

    @Test
    void answersWithTheHandlersFailureStatusAndReason() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4, LOOPBACK, handler);
        answer = CStoreOutcome.cannotUnderstand("Rows (0028,0010) says 64 but the pixel data holds 50 rows");
        Path file = DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64),
                Syntax.EXPLICIT_LITTLE);

        Result push = storescu(file);

        assertThat(push.output()).contains("Error: Cannot understand")
                .contains("Rows (0028,0010) says 64 but the pixel data holds 50 rows");
    }

    @Test
    void answersEchoAndRefusesAnotherCalledAeTitle() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4, LOOPBACK, handler);

        Result echo = DcmtkFiles.execute(List.of("echoscu", "-aec", AE_TITLE, "127.0.0.1", port()));
        Result wrongTitle = DcmtkFiles.execute(List.of("echoscu", "-aec", "SOMEONE-ELSE", "127.0.0.1", port()));

        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(wrongTitle.exitCode()).isNotZero();
    }

    @Test
    void rejectsAnAssociationFromACallingAeTitleNotOnTheListAndStoresNothing() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4, admitting("MODALITY@127.0.0.1"),
                handler);
        Path file = DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64),
                Syntax.EXPLICIT_LITTLE);

        Result echo = DcmtkFiles.execute(List.of("echoscu", "-aet", "STRANGER", "-aec", AE_TITLE, "127.0.0.1", port()));
        Result push = storescu("STRANGER", file);

        assertThat(echo.exitCode()).as(echo.output()).isNotZero();
        assertThat(echo.output()).containsIgnoringCase("Calling AE Title Not Recognized");
        assertThat(push.exitCode()).as(push.output()).isNotZero();
        assertThat(push.output()).containsIgnoringCase("Calling AE Title Not Recognized");
        assertThat(received).isEmpty();
        assertThat(associations).containsExactly("refused STRANGER from 127.0.0.1", "refused STRANGER from 127.0.0.1");
    }

    @Test
    void rejectsAListedAeTitleCallingFromAnAddressNotOnTheList() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4, admitting("MODALITY@10.0.0.0/8"),
                handler);

        Result echo = DcmtkFiles.execute(List.of("echoscu", "-aet", "MODALITY", "-aec", AE_TITLE, "127.0.0.1", port()));

        assertThat(echo.exitCode()).as(echo.output()).isNotZero();
        assertThat(echo.output()).containsIgnoringCase("Calling AE Title Not Recognized");
    }

    @Test
    void acceptsAListedAeTitleFromAListedAddress() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4,
                admitting("PACS@10.1.2.3", "MODALITY@127.0.0.0/8"), handler);
        Path file = DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64),
                Syntax.EXPLICIT_LITTLE);

        Result echo = DcmtkFiles.execute(List.of("echoscu", "-aet", "MODALITY", "-aec", AE_TITLE, "127.0.0.1", port()));
        Result push = storescu("MODALITY", file);

        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(push.exitCode()).as(push.output()).isZero();
        assertThat(received).hasSize(1);
        assertThat(associations).filteredOn(association -> association.startsWith("admitted"))
                .containsExactly("admitted MODALITY from 127.0.0.1", "admitted MODALITY from 127.0.0.1");
    }

    @Test
    void closesAConnectionThatStaysSilentPastTheReadTimeout() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4,
                new StorageScp.Admission(LOOPBACK.callers(),
                        Duration.ofSeconds(30), Duration.ofSeconds(1)), handler);

        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), scp.port()), 5_000);
            silent.setSoTimeout(20_000); // far above the 1 s read timeout: only a server that never closes fails
            InputStream in = silent.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).as("the server closed the connection").isEqualTo(-1);
        }
        Result echo = DcmtkFiles.execute(List.of("echoscu", "-aec", AE_TITLE, "127.0.0.1", port()));
        assertThat(echo.exitCode()).as("still serving others: " + echo.output()).isZero();
    }

    @Test
    void closesAnAcceptedAssociationThatFallsSilentPastTheReadTimeout() throws Exception {
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4,
                new StorageScp.Admission(LOOPBACK.callers(), Duration.ofSeconds(30), Duration.ofSeconds(1)), handler);

        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), scp.port()), 5_000);
            silent.setSoTimeout(20_000); // far above the 1 s read timeout: only a server that never closes fails
            silent.getOutputStream().write(associateRequest("SILENT", AE_TITLE));
            silent.getOutputStream().flush();
            InputStream in = silent.getInputStream();
            int first = in.read();
            assertThat(first).as("A-ASSOCIATE-AC").isEqualTo(0x02);
            int read;
            try {
                while ((read = in.read()) != -1) {
                    // the rest of the A-ASSOCIATE-AC, then nothing until the server closes
                }
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).as("the server closed the connection").isEqualTo(-1);
        }
    }

    @Test
    void aStopLetsTheCStoreInProgressBeAnsweredAndRefusesTheNextAndNewAssociations() throws Exception {
        CountDownLatch completing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scp = StorageScp.start(InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4, LOOPBACK, (callingAeTitle, peer) -> () -> {
            CStoreHandler.IncomingInstance kept = keep();
            return new CStoreHandler.IncomingInstance() {
                @Override
                public void append(ByteBuffer bytes) throws IOException {
                    kept.append(bytes);
                }

                @Override
                public CStoreOutcome complete() {
                    completing.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return kept.complete();
                }

                @Override
                public void abort() {
                    kept.abort();
                }
            };
        });
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        Path first = DcmtkFiles.write(dir, Spec.ct(study, series, 1, 1, 64), Syntax.EXPLICIT_LITTLE);
        Path second = DcmtkFiles.write(dir, Spec.ct(study, series, 1, 2, 64), Syntax.EXPLICIT_LITTLE);
        String port = port();
        CompletableFuture<Result> push = CompletableFuture.supplyAsync(() -> storescu(first, second));
        assertThat(completing.await(30, TimeUnit.SECONDS)).as("the first C-STORE reached the handler").isTrue();

        scp.stopAccepting();
        CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> {
            try {
                return scp.awaitIdle(Instant.now().plusSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Result echo = DcmtkFiles.execute(List.of("echoscu", "-aec", AE_TITLE, "127.0.0.1", port));
        assertThat(echo.exitCode()).as("a new association: " + echo.output()).isNotZero();
        assertThat(idle).as("the first C-STORE is still being stored").isNotDone();
        release.countDown();

        assertThat(idle.get(30, TimeUnit.SECONDS)).isTrue();
        Result pushed = push.get(60, TimeUnit.SECONDS);
        assertThat(received).hasSize(1);
        assertThat(pushed.output()).contains("Glean is stopping; send again later");
    }

    // A-ASSOCIATE-RQ (PS3.8 §9.3.2) proposing Verification in Implicit VR Little Endian.
    private static byte[] associateRequest(String calling, String called) throws IOException {
        ByteArrayOutputStream items = new ByteArrayOutputStream();
        item(items, 0x10, "1.2.840.10008.3.1.1.1".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream context = new ByteArrayOutputStream();
        context.write(new byte[] {1, 0, 0, 0});
        item(context, 0x30, "1.2.840.10008.1.1".getBytes(StandardCharsets.US_ASCII));
        item(context, 0x40, "1.2.840.10008.1.2".getBytes(StandardCharsets.US_ASCII));
        item(items, 0x20, context.toByteArray());
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, ByteBuffer.allocate(4).putInt(16384).array());
        item(user, 0x52, "1.2.3.4".getBytes(StandardCharsets.US_ASCII));
        item(items, 0x50, user.toByteArray());
        ByteBuffer pdu = ByteBuffer.allocate(6 + 68 + items.size());
        pdu.put((byte) 0x01).put((byte) 0).putInt(68 + items.size()).putShort((short) 1).putShort((short) 0);
        pdu.put(String.format("%-16s", called).getBytes(StandardCharsets.US_ASCII));
        pdu.put(String.format("%-16s", calling).getBytes(StandardCharsets.US_ASCII));
        pdu.put(new byte[32]).put(items.toByteArray());
        return pdu.array();
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) throws IOException {
        out.write(new byte[] {(byte) type, 0, (byte) (value.length >> 8), (byte) value.length});
        out.write(value);
    }

    @Test
    void overTlsStoresFromACallerWithACertificateOfTheTrustedCa() throws Exception {
        Path ca = localCa("ca", "Hospital CA");
        scp = startTls(ca);
        Path file = DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64),
                Syntax.EXPLICIT_LITTLE);

        Result push = storescuTls(TestCertificates.client(ca, dir, "modality"), ca, file);

        assertThat(push.exitCode()).as(push.output()).isZero();
        assertThat(received).hasSize(1);
        assertThat(dataSet(received.get(0))).isEqualTo(dataSet(Files.readAllBytes(file)));
    }

    @Test
    void overTlsRefusesCallersWithoutMutualTrustAndStoresNothing() throws Exception {
        Path ca = localCa("ca", "Hospital CA");
        Path other = localCa("other", "Someone else's CA");
        scp = startTls(ca);
        Path file = DcmtkFiles.write(dir, Spec.ct(DcmtkFiles.newUid(), DcmtkFiles.newUid(), 1, 1, 64),
                Syntax.EXPLICIT_LITTLE);

        Result foreignCertificate = storescuTls(TestCertificates.client(other, dir, "intruder"), ca, file);
        Result distrustingServer = storescuTls(TestCertificates.client(ca, dir, "modality"), other, file);
        Result plain = storescu(file);

        assertThat(foreignCertificate.exitCode()).as(foreignCertificate.output()).isNotZero();
        assertThat(foreignCertificate.output()).contains("Association Request Failed");
        assertThat(distrustingServer.exitCode()).as(distrustingServer.output()).isNotZero();
        assertThat(plain.exitCode()).as("plain DICOM on the TLS port: %s", plain.output()).isNotZero();
        assertThat(received).isEmpty();
    }

    private Path localCa(String folder, String name) {
        Path ca = dir.resolve(folder);
        LocalCertificateAuthority.create(ca, name, Set.of("localhost", "127.0.0.1"));
        return ca;
    }

    private StorageScp startTls(Path ca) throws Exception {
        SSLContext tls = DicomTls.server(TestCertificates.serverKeys(ca), ca.resolve(LocalCertificateAuthority.CA_CERTIFICATE));
        return StorageScp.startTls(tls, true, InetAddress.getLoopbackAddress(), 0, AE_TITLE, 4, LOOPBACK, handler);
    }

    private Result storescuTls(TestCertificates.ClientCertificate client, Path trustedCa, Path file) {
        return DcmtkFiles.execute(List.of("storescu", "-aet", "MODALITY", "-aec", AE_TITLE, "+tls",
                client.key().toString(), client.certificate().toString(), "-pw", "+cf",
                trustedCa.resolve(LocalCertificateAuthority.CA_CERTIFICATE).toString(), "127.0.0.1", port(),
                file.toString()));
    }

    private static StorageScp.Admission admitting(String... callers) {
        return new StorageScp.Admission(CallerAllowList.parse(List.of(callers)), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }

    // Keeps the instances, and notes each association admitted, ended or refused.
    private final CStoreHandler handler = new CStoreHandler() {
        @Override
        public Session associate(String callingAeTitle, InetSocketAddress peer) {
            associations.add("admitted " + callingAeTitle + " from " + peer.getAddress().getHostAddress());
            return new Session() {
                @Override
                public IncomingInstance begin() {
                    return keep();
                }

                @Override
                public void ended() {
                    associations.add("ended " + callingAeTitle);
                }
            };
        }

        @Override
        public void refused(String callingAeTitle, InetSocketAddress peer) {
            associations.add("refused " + callingAeTitle + " from " + peer.getAddress().getHostAddress());
        }
    };

    private CStoreHandler.IncomingInstance keep() {
        return new InstanceInMemory(bytes -> {
            received.add(bytes);
            return answer;
        });
    }

    private Result storescu(Path... files) {
        return storescu("STORESCU", files);
    }

    private Result storescu(String callingAeTitle, Path... files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-d", "-aet", callingAeTitle, "-aec", AE_TITLE));
        command.addAll(DcmtkFiles.storescuProposingEverySyntax(dir));
        command.addAll(List.of("127.0.0.1", port()));
        Arrays.stream(files).forEach(file -> command.add(file.toString()));
        return DcmtkFiles.execute(command);
    }

    private String port() {
        return String.valueOf(scp.port());
    }

    // The bytes after the file meta information, whose length (0002,0000) gives.
    private static byte[] dataSet(byte[] part10) {
        int groupLength = ByteBuffer.wrap(part10, 132 + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOfRange(part10, 132 + 12 + groupLength, part10.length);
    }
}
