package org.glean.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.proto.v1.CurationGrpc;
import org.glean.proto.v1.GetPolicyRequest;
import org.glean.proto.v1.GetStudyRequest;
import org.glean.proto.v1.StudyIngestGrpc;
import org.glean.cli.GleanCommand;
import org.glean.ingest.CStoreIngest;
import org.glean.ingest.DcmtkFiles;
import org.glean.metrics.PipelineTimes;
import org.glean.security.Actor;
import org.glean.security.ClientChannels;
import org.glean.security.LocalCertificateAuthority;
import org.glean.security.Role;
import org.glean.security.TestCertificates;
import org.glean.security.TestTokens;
import org.glean.security.UserStore;
import org.glean.web.WebSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on TLS with a certificate from its local CA: clients that trust that CA get through, others do not. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@WithTestResource(LocalCaTestResource.class)
class TlsServerTest {

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int tlsPort;

    @Inject
    CStoreIngest cStore;

    @Inject
    UserStore users;

    @TempDir
    Path dir;

    @Test
    void aClientThatTrustsTheLocalCaCallsOverTls() throws Exception {
        ManagedChannel channel = ClientChannels.tls("localhost", tlsPort, Optional.of(ca())).build();
        try {
            assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(CurationGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .withCallCredentials(TestTokens.as("curator-1", Role.CURATOR))
                    .getPolicy(GetPolicyRequest.getDefaultInstance())).isNotNull();
        } finally {
            LoopbackChannels.close(channel);
        }
    }

    /** Probes and load balancers: readiness over the same TLS port, without a token. */
    @Test
    void readinessIsAnsweredOverTlsWithoutAToken() throws Exception {
        HttpResponse<String> ready = ClientChannels.https(ca()).send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + tlsPort + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").findValuesAsText("name")).contains("database", "instance-store", "model");
    }

    /** The browser's session cookie is Secure over TLS, so that it never travels in plaintext. */
    @Test
    void aBrowserSignInOverTlsSetsASecureCookie() throws Exception {
        users.add("dr-tls", Set.of(Role.ANNOTATOR), "correct horse battery".toCharArray(), Actor.GLEAN);

        HttpResponse<String> signIn = ClientChannels.https(ca()).send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + tlsPort + "/api/session"))
                .header(WebSession.REQUEST_HEADER, "page").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"dr-tls\",\"password\":\"correct horse battery\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        assertThat(HttpCookie.parse(signIn.headers().firstValue("Set-Cookie").orElseThrow()).get(0).getSecure()).isTrue();
    }

    /** What bench-scoring reads: the pipeline timers, over TLS trusting the local CA. */
    @Test
    void thePipelineTimersAreScrapedOverTls() throws Exception {
        PipelineTimes times = PipelineTimes.scrape(ClientChannels.https(ca()), URI.create("https://localhost:" + tlsPort));

        assertThat(times.stages()).isNotNull();
        assertThatThrownBy(() -> PipelineTimes.scrape(HttpClient.newHttpClient(), URI.create("https://localhost:" + tlsPort)))
                .as("the JDK's CAs do not trust the local CA").isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void aClientThatTrustsAnotherCaIsRefused() throws Exception {
        LocalCertificateAuthority.create(dir, "Someone else's CA", Set.of("localhost", "127.0.0.1"));
        ManagedChannel channel = ClientChannels.tls("localhost", tlsPort,
                Optional.of(dir.resolve(LocalCertificateAuthority.CA_CERTIFICATE))).build();
        try {
            assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            LoopbackChannels.close(channel);
        }
    }

    @Test
    void plaintextToTheTlsPortGetsNoAnswer() throws Exception {
        ManagedChannel channel = ClientChannels.plaintext("127.0.0.1", tlsPort).build();
        try {
            assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()))
                    .isInstanceOf(StatusRuntimeException.class);
        } finally {
            LoopbackChannels.close(channel);
        }
    }

    @Test
    void gleanExportTrustsTheCaGivenWithCa() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), TestTokens.token("curator-1", Role.CURATOR));
        LocalCertificateAuthority.create(dir.resolve("other"), "Someone else's CA", Set.of("localhost"));

        int trusted = GleanCommand.execute("export", "--host", "localhost", "--port", String.valueOf(tlsPort),
                "--ca", ca().toString(), "--token-file", token.toString(), "--out", dir.resolve("a.json").toString());
        int untrusted = GleanCommand.execute("export", "--host", "localhost", "--port", String.valueOf(tlsPort),
                "--ca", dir.resolve("other").resolve(LocalCertificateAuthority.CA_CERTIFICATE).toString(),
                "--token-file", token.toString(), "--out", dir.resolve("b.json").toString());

        assertThat(trusted).isZero();
        assertThat(dir.resolve("a.json")).isRegularFile();
        assertThat(untrusted).isEqualTo(1);
    }

    /** Mutual TLS for pipelines: an ingest call needs a client certificate of the trusted CA besides its token. */
    @Test
    void anIngestCallWithoutAClientCertificateIsRefusedAndWithOneGetsThrough() throws Exception {
        TestCertificates.ClientCertificate pipeline = TestCertificates.client(LocalCaTestResource.FOLDER, dir, "pipeline");
        GetStudyRequest unknownStudy = GetStudyRequest.newBuilder().setStudyInstanceUid("1.2.3.4").build();
        ManagedChannel withoutCertificate = ClientChannels.tls("localhost", tlsPort, Optional.of(ca())).build();
        ManagedChannel withCertificate = ClientChannels.tls("localhost", tlsPort, Optional.of(ca()),
                Optional.of(pipeline.forChannels())).build();
        LocalCertificateAuthority.create(dir.resolve("other"), "Someone else's CA", Set.of("localhost"));
        ManagedChannel withForeignCertificate = ClientChannels.tls("localhost", tlsPort, Optional.of(ca()),
                Optional.of(TestCertificates.client(dir.resolve("other"), dir, "stranger").forChannels())).build();
        try {
            assertThatThrownBy(() -> StudyIngestGrpc.newBlockingStub(withForeignCertificate)
                    .withDeadlineAfter(20, TimeUnit.SECONDS).withCallCredentials(TestTokens.as("pipeline", Role.INGEST))
                    .getStudy(unknownStudy))
                    .as("a certificate of another CA")
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED));
            assertThatThrownBy(() -> StudyIngestGrpc.newBlockingStub(withoutCertificate)
                    .withDeadlineAfter(20, TimeUnit.SECONDS).withCallCredentials(TestTokens.as("pipeline", Role.INGEST))
                    .getStudy(unknownStudy))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).contains("client certificate");
                    });
            assertThatThrownBy(() -> StudyIngestGrpc.newBlockingStub(withCertificate)
                    .withDeadlineAfter(20, TimeUnit.SECONDS).withCallCredentials(TestTokens.as("pipeline", Role.INGEST))
                    .getStudy(unknownStudy))
                    .as("past authentication, the study is simply not there")
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        } finally {
            LoopbackChannels.close(withoutCertificate);
            LoopbackChannels.close(withCertificate);
            LoopbackChannels.close(withForeignCertificate);
        }
    }

    /** DICOM TLS presents the server certificate of HTTPS and admits a caller with a certificate of the local CA. */
    @Test
    void dicomTlsAnswersAnEchoFromACallerWithACertificateOfTheLocalCa() {
        TestCertificates.ClientCertificate modality = TestCertificates.client(LocalCaTestResource.FOLDER, dir, "modality");
        String port = String.valueOf(cStore.tlsPort().orElseThrow());

        DcmtkFiles.Result echo = DcmtkFiles.execute(List.of("echoscu", "-aec", "GLEAN", "+tls", modality.key().toString(),
                modality.certificate().toString(), "-pw", "+cf", ca().toString(), "127.0.0.1", port));
        DcmtkFiles.Result withoutCertificate = DcmtkFiles.execute(List.of("echoscu", "-aec", "GLEAN", "+tla",
                "-ic", "127.0.0.1", port));

        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(withoutCertificate.exitCode()).as(withoutCertificate.output()).isNotZero();
    }

    private Path ca() {
        return LocalCaTestResource.FOLDER.resolve(LocalCertificateAuthority.CA_CERTIFICATE);
    }
}
