package org.glean.pacs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.glean.dicom.DicomUid;

/**
 * {@link DicomWebClient} over {@code java.net.http}: QIDO-RS answers are PS3.18 §F.2 JSON, read
 * with Jackson; WADO-RS answers are {@code multipart/related; type="application/dicom"}, read
 * part by part with {@link MultipartReader} so that a study never sits in memory whole; a STOW-RS
 * request carries one instance as one such part.
 */
public final class HttpDicomWebClient implements DicomWebClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    // Any transfer syntax: the instances as the origin holds them, byte for byte (PS3.18 §8.7.3.5.2).
    private static final String ACCEPT_DICOM = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    // STOW-RS: 200 all stored, 202 some with warnings or failures, 409 none (PS3.18 §10.5.3).
    private static final Set<Integer> STOW_ANSWERS = Set.of(200, 202, 409);
    // PS3.4 Annex GG / PS3.18 Table 10.5.3-2: the instance is there already.
    private static final int DUPLICATE_SOP_INSTANCE = 0x0111;

    private final DicomWebEndpoint endpoint;
    private final HttpClient http;

    public HttpDicomWebClient(DicomWebEndpoint endpoint) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().connectTimeout(endpoint.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public List<StudyMatch> searchStudies(StudyQuery query, int offset, int limit)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = send("QIDO-RS study search",
                URI.create(endpoint.baseUrl() + "/studies?" + query.toQueryString(offset, limit)),
                "application/dicom+json, application/json");
        try (InputStream body = response.body()) {
            if (response.statusCode() == 204) {
                return List.of();
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(body);
            } catch (IOException e) {
                throw new DicomWebException("The QIDO-RS answer of " + endpoint.origin()
                        + " is not JSON; check that the base URL is the DICOMweb root (e.g. .../dicom-web)", e);
            }
            if (answer == null || answer.isMissingNode()) {
                return List.of();
            }
            if (!answer.isArray()) {
                throw new DicomWebException("The QIDO-RS answer of " + endpoint.origin()
                        + " is not a JSON array of studies (PS3.18 §F.2)", response.statusCode());
            }
            List<StudyMatch> matches = new ArrayList<>(answer.size());
            for (JsonNode study : answer) {
                matches.add(match(study));
            }
            return matches;
        }
    }

    private StudyMatch match(JsonNode study) throws DicomWebException {
        String uid = firstString(study, "0020000D");
        if (!DicomUid.isValid(uid)) {
            throw new DicomWebException("A study in the QIDO-RS answer of " + endpoint.origin()
                    + " has no valid StudyInstanceUID (0020000D)", 200);
        }
        List<String> modalities = new ArrayList<>();
        study.path("00080061").path("Value").forEach(value -> modalities.add(value.asText()));
        JsonNode count = study.path("00201208").path("Value").path(0);
        return new StudyMatch(uid, firstString(study, "00080020"), modalities,
                count.canConvertToInt() ? count.asInt() : count.isTextual() ? parseCount(count.asText()) : -1);
    }

    private static int parseCount(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String firstString(JsonNode study, String tag) {
        JsonNode value = study.path(tag).path("Value").path(0);
        return value.isValueNode() ? value.asText() : "";
    }

    @Override
    public void retrieveStudy(String studyInstanceUid, InstanceConsumer instances)
            throws IOException, InterruptedException {
        if (!DicomUid.isValid(studyInstanceUid)) {
            throw new IllegalArgumentException("not a valid StudyInstanceUID: digits and dots, at most 64 characters");
        }
        HttpResponse<InputStream> response = send("WADO-RS study retrieve",
                URI.create(endpoint.baseUrl() + "/studies/" + studyInstanceUid), ACCEPT_DICOM);
        try (InputStream body = response.body()) {
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            MultipartReader parts = new MultipartReader(body, MultipartReader.boundaryOf(contentType));
            int index = 0;
            for (MultipartReader.Part part = parts.next(); part != null; part = parts.next()) {
                String type = part.contentType().toLowerCase(Locale.ROOT);
                if (!type.startsWith("application/dicom")) {
                    throw new MalformedMultipartException("part " + index + " of the WADO-RS answer of "
                            + endpoint.origin() + " is '" + type.split(";")[0] + "', not application/dicom");
                }
                instances.accept(index++, part.body());
            }
        }
    }

    @Override
    public void store(byte[] part10) throws IOException, InterruptedException {
        String boundary = "glean-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + "/studies"))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, part10, tail)));
        HttpResponse<InputStream> response = send("STOW-RS store", request, "application/dicom+json, application/json",
                STOW_ANSWERS);
        // 200: stored; 202: stored with warnings, or some failed; 409: none stored. Failures say why,
        // and some services answer 200 with them too.
        try (InputStream body = response.body()) {
            JsonNode answer;
            try {
                answer = JSON.readTree(body);
            } catch (IOException e) {
                answer = null;
            }
            JsonNode failed = answer == null ? null : answer.path("00081198").path("Value");
            if (failed == null || !failed.isArray() || failed.isEmpty()) {
                if (response.statusCode() != 409) {
                    return;
                }
                throw new DicomWebException("STOW-RS store: " + endpoint.origin() + " answered HTTP 409 without "
                        + "saying why; check that it accepts this SOP class", 409);
            }
            int reason = failed.path(0).path("00081197").path("Value").path(0).asInt(-1);
            if (reason == DUPLICATE_SOP_INSTANCE) {
                return;
            }
            throw new DicomWebException("STOW-RS store: " + endpoint.origin() + " refused the instance (failure reason "
                    + (reason < 0 ? "not given" : String.format("%04XH", reason)) + "); check that it accepts this "
                    + "SOP class and that the study may take new instances", response.statusCode());
        }
    }

    private HttpResponse<InputStream> send(String what, URI uri, String accept)
            throws IOException, InterruptedException {
        return send(what, HttpRequest.newBuilder(uri).GET(), accept, Set.of(200, 204));
    }

    private HttpResponse<InputStream> send(String what, HttpRequest.Builder request, String accept,
            Set<Integer> answered) throws IOException, InterruptedException {
        request.timeout(endpoint.requestTimeout()).header("Accept", accept);
        endpoint.authorization().ifPresent(value -> request.header("Authorization", value));
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new DicomWebException(what + ": cannot connect to " + endpoint.origin()
                    + "; check that the PACS runs and the base URL's host and port", e);
        } catch (HttpTimeoutException e) {
            throw new DicomWebException(what + ": " + endpoint.origin() + " did not answer within "
                    + endpoint.requestTimeout().toSeconds() + " s; the PACS is busy or down", e);
        } catch (IOException e) {
            throw new DicomWebException(what + ": the connection to " + endpoint.origin() + " failed ("
                    + e.getClass().getSimpleName() + "); the PACS may be down or restarting", e);
        }
        int status = response.statusCode();
        if (answered.contains(status)) {
            return response;
        }
        response.body().close();
        throw new DicomWebException(what + ": " + endpoint.origin() + " answered HTTP " + status + "; "
                + advice(status), status);
    }

    private static String advice(int status) {
        return switch (status) {
            case 401, 403 -> "the PACS refused the credentials: check the source's or destination's username and password or bearer token";
            case 404 -> "nothing there: check that the base URL is the DICOMweb root (e.g. .../dicom-web) and "
                    + "that the study is still on the PACS";
            case 400 -> "the PACS did not understand the query: check the source's query filters";
            case 406 -> "the PACS cannot send DICOM as multipart/related; check its DICOMweb settings";
            case 415 -> "the PACS does not take DICOM as multipart/related (STOW-RS); check its DICOMweb settings";
            case 429, 502, 503, 504 -> "the PACS is overloaded or down; Glean tries again later";
            default -> status >= 500 ? "the PACS failed; Glean tries again later, and its log says why"
                    : "unexpected for DICOMweb; check the base URL";
        };
    }
}
