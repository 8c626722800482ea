package org.glean.web.dicomweb;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * A {@code multipart/related} body (RFC 2387, PS3.18 §8.6.1.2) written part by part as it is
 * sent: a part's body is copied from its source when its turn comes, so a study's files never sit
 * in memory together.
 */
final class MultipartRelated {

    /** One part: its Content-Type and where its bytes come from. */
    record Part(String contentType, Body body) {
    }

    /** A part's bytes, opened when the part is written. */
    @FunctionalInterface
    interface Body {
        InputStream open() throws IOException;
    }

    private final String boundary = UUID.randomUUID().toString();
    private final String rootType;

    /** @param rootType the media type of the parts, the {@code type} parameter of the body's Content-Type */
    MultipartRelated(String rootType) {
        this.rootType = rootType;
    }

    /** The body's Content-Type: {@code multipart/related; type="..."; boundary=...}. */
    String contentType() {
        return "multipart/related; type=\"" + rootType + "\"; boundary=" + boundary;
    }

    /** The body of the parts, in order, for JAX-RS to stream. */
    StreamingOutput body(List<Part> parts) {
        return out -> {
            for (Part part : parts) {
                out.write(ascii("--" + boundary + "\r\nContent-Type: " + part.contentType() + "\r\n\r\n"));
                try (InputStream in = part.body().open()) {
                    in.transferTo(out);
                }
                out.write(ascii("\r\n"));
            }
            out.write(ascii("--" + boundary + "--\r\n"));
        };
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

}
