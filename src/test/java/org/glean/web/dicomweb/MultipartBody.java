package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small multipart/related parser for tests, independent of the server's writer: splits a whole
 * body at its boundary (RFC 2046 §5.1.1) and checks the framing on the way.
 */
record MultipartBody(List<Part> parts) {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

    record Part(Map<String, String> headers, byte[] body) {

        String contentType() {
            return headers.get("content-type");
        }
    }

    static MultipartBody parse(String contentType, byte[] body) {
        Matcher boundary = BOUNDARY.matcher(contentType);
        assertThat(boundary.find()).as("a boundary in %s", contentType).isTrue();
        byte[] delimiter = ("--" + boundary.group(1)).getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOf(body, delimiter.length)).as("the body starts with the first delimiter")
                .isEqualTo(delimiter);
        List<Part> parts = new ArrayList<>();
        int position = delimiter.length;
        while (true) {
            if (body[position] == '-' && body[position + 1] == '-') {
                assertThat(new String(body, position, body.length - position, StandardCharsets.US_ASCII))
                        .as("the close delimiter ends the body").isEqualTo("--\r\n");
                return new MultipartBody(parts);
            }
            assertThat(new String(body, position, 2, StandardCharsets.US_ASCII)).isEqualTo("\r\n");
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), position);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : new String(body, position + 2, headersEnd - position - 2, StandardCharsets.US_ASCII)
                    .split("\r\n")) {
                if (!line.isEmpty()) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
            }
            byte[] next = concat("\r\n".getBytes(StandardCharsets.US_ASCII), delimiter);
            int bodyEnd = indexOf(body, next, headersEnd + 4);
            assertThat(bodyEnd).as("a delimiter after each part").isNotNegative();
            parts.add(new Part(headers, Arrays.copyOfRange(body, headersEnd + 4, bodyEnd)));
            position = bodyEnd + next.length;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
