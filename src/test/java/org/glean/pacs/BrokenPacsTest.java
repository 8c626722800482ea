package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.IngestService;
import org.glean.ingest.StudyNotFoundException;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PACS answering garbage, from a small HTTP server on loopback: a clear error, and no partial study. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class BrokenPacsTest {

    @Inject
    StudyRetrieval retrieval;

    @Inject
    IngestService ingest;

    @TempDir
    Path dir;

    private HttpServer pacs;
    private HttpDicomWebClient client;

    @BeforeEach
    void startPacs() throws IOException {
        pacs = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pacs.start();
        client = new HttpDicomWebClient(new DicomWebEndpoint(
                URI.create("http://127.0.0.1:" + pacs.getAddress().getPort() + "/dicom-web"), Optional.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stopPacs() {
        pacs.stop(0);
    }

    @Test
    void aTransferThatBreaksOffAfterAWholeInstanceStoresNothingOfTheStudy() throws Exception {
        String study = DcmtkFiles.newUid();
        String series = DcmtkFiles.newUid();
        byte[] whole = Files.readAllBytes(DcmtkFiles.write(dir, Spec.ct(study, series, 1, 1, 32),
                Syntax.EXPLICIT_LITTLE));
        byte[] second = Files.readAllBytes(DcmtkFiles.write(dir, Spec.ct(study, series, 1, 2, 32),
                Syntax.EXPLICIT_LITTLE));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(ascii("--b\r\nContent-Type: application/dicom\r\n\r\n"));
        body.write(whole);
        body.write(ascii("\r\n--b\r\nContent-Type: application/dicom\r\n\r\n"));
        body.write(Arrays.copyOf(second, second.length / 2));
        answer("/dicom-web/studies/" + study, 200, "multipart/related; type=\"application/dicom\"; boundary=b",
                body.toByteArray());

        assertThatThrownBy(() -> retrieval.retrieve(client, "broken", study))
                .isInstanceOf(MalformedMultipartException.class)
                .hasMessageContaining("ended before its closing boundary");
        assertThatThrownBy(() -> ingest.study(study)).isInstanceOf(StudyNotFoundException.class);
    }

    @Test
    void anAnswerThatIsNotMultipartIsRefusedWithWhatItWas() {
        String study = DcmtkFiles.newUid();
        answer("/dicom-web/studies/" + study, 200, "text/html", ascii("<html>Welcome</html>"));

        assertThatThrownBy(() -> retrieval.retrieve(client, "broken", study))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("text/html");
        assertThatThrownBy(() -> ingest.study(study)).isInstanceOf(StudyNotFoundException.class);
    }

    @Test
    void aSearchAnswerThatIsNotJsonOrARefusalSaysWhatToCheck() {
        answer("/dicom-web/studies", 200, "application/dicom+json", ascii("{ not json"));
        assertThatThrownBy(() -> client.searchStudies(StudyQuery.ALL, 0, 0)).isInstanceOf(DicomWebException.class)
                .hasMessageContaining("not JSON");

        pacs.removeContext("/dicom-web/studies");
        answer("/dicom-web/studies", 401, "text/plain", ascii("no"));
        assertThatThrownBy(() -> client.searchStudies(StudyQuery.ALL, 0, 0)).isInstanceOf(DicomWebException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("credentials");
    }

    @Test
    void aStowRefusalSaysItsReasonAndADuplicateCountsAsStored() {
        byte[] document = {1, 2, 3};
        String failed = "{\"00081198\": {\"vr\": \"SQ\", \"Value\": [{\"00081197\": {\"vr\": \"US\", \"Value\": [%d]}}]}}";
        answer("/dicom-web/studies", 409, "application/dicom+json", ascii(failed.formatted(0xC000)));
        assertThatThrownBy(() -> client.store(document)).isInstanceOf(DicomWebException.class)
                .hasMessageContaining("refused the instance (failure reason C000H)");

        pacs.removeContext("/dicom-web/studies");
        answer("/dicom-web/studies", 409, "application/dicom+json", ascii(failed.formatted(0x0111)));
        assertThatCode(() -> client.store(document)).doesNotThrowAnyException();

        pacs.removeContext("/dicom-web/studies");
        answer("/dicom-web/studies", 415, "text/plain", ascii("no"));
        assertThatThrownBy(() -> client.store(document)).isInstanceOf(DicomWebException.class)
                .hasMessageContaining("HTTP 415").hasMessageContaining("STOW-RS");
    }

    // Chunked, so that the end of the bytes ends the answer cleanly: the multipart itself is what is broken.
    private void answer(String path, int status, String contentType, byte[] body) {
        pacs.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
