package org.glean.pacs;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a DICOMweb origin answers and how to sign in.
 *
 * @param baseUrl the service root, e.g. {@code http://pacs:8042/dicom-web}
 * @param authorization the Authorization header value, or empty for none
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer to begin
 */
public record DicomWebEndpoint(URI baseUrl, Optional<String> authorization, Duration connectTimeout,
        Duration requestTimeout) {

    public DicomWebEndpoint {
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("a DICOMweb base URL is http:// or https:// with a host, e.g. "
                    + "http://pacs:8042/dicom-web");
        }
        String path = baseUrl.getPath() == null ? "" : baseUrl.getPath();
        baseUrl = URI.create(baseUrl.toString().substring(0, baseUrl.toString().length()
                - (path.endsWith("/") ? 1 : 0)));
    }

    /** The Authorization header for Basic (RFC 7617) or Bearer (RFC 6750), or none when neither is given. */
    public static Optional<String> authorization(Optional<String> username, Optional<String> password,
            Optional<String> bearerToken) {
        if (bearerToken.isPresent() && username.isPresent()) {
            throw new IllegalArgumentException("give a username and password or a bearer token, not both");
        }
        if (bearerToken.isPresent()) {
            return Optional.of("Bearer " + bearerToken.get().strip());
        }
        if (username.isPresent()) {
            String pair = username.get() + ":" + password.orElse("");
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    /** The origin as host and port, for messages: never a path or query, which may carry UIDs. */
    public String origin() {
        return baseUrl.getHost() + (baseUrl.getPort() < 0 ? "" : ":" + baseUrl.getPort());
    }
}
