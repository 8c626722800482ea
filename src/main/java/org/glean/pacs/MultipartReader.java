package org.glean.pacs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code multipart/related} body (RFC 2046 §5.1) part by part as it streams in: memory
 * holds one buffer, never a part, so that a study of any size passes through. Each part's body
 * is an {@link InputStream} that ends at the next delimiter; the reader expects CRLF line ends
 * (as RFC 2046 and PS3.18 require) and fails on a body that ends before its closing delimiter.
 */
public final class MultipartReader {

    // Headers of one part: a handful of short lines.
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;

    private final InputStream in;
    // "\r\n--" + boundary: every delimiter but a first one at the very start of the body.
    private final byte[] delimiter;
    private final byte[] buffer;
    private int position;
    private int limit;
    private boolean started;
    private boolean finished;
    private Part current;

    /** One part: its headers (names lower-case) and its body, to be read before the next part. */
    public record Part(Map<String, String> headers, InputStream body) {

        /** The Content-Type header, or empty. */
        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    public MultipartReader(InputStream in, String boundary) {
        if (boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("a multipart boundary has 1 to 70 characters (RFC 2046)");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[Math.max(BUFFER_SIZE, 4 * delimiter.length)];
        // The body may begin with the first delimiter itself; a CRLF in front lets one search find it.
        buffer[0] = '\r';
        buffer[1] = '\n';
        limit = 2;
    }

    /**
     * The boundary parameter of a {@code multipart/related} Content-Type, unquoted.
     *
     * @throws MalformedMultipartException when it is not multipart or names no boundary
     */
    public static String boundaryOf(String contentType) throws MalformedMultipartException {
        String[] fields = contentType.split(";");
        if (!fields[0].strip().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw new MalformedMultipartException("the answer is " + printable(fields[0].strip())
                    + ", not multipart/related");
        }
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].strip();
            int equals = field.indexOf('=');
            if (equals > 0 && field.substring(0, equals).strip().equalsIgnoreCase("boundary")) {
                String value = field.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (value.isEmpty() || value.length() > 70) {
                    throw new MalformedMultipartException("the multipart boundary must have 1 to 70 characters");
                }
                return value;
            }
        }
        throw new MalformedMultipartException("the multipart Content-Type names no boundary");
    }

    /**
     * The next part, or null after the closing delimiter. The previous part's unread body is
     * skipped.
     *
     * @throws MalformedMultipartException when the body breaks off or a part's headers are malformed
     */
    public Part next() throws IOException {
        if (current != null) {
            current.body().transferTo(OutputStream.nullOutputStream());
            current = null;
        } else if (!started) {
            // Whatever precedes the first delimiter is a preamble, to be ignored.
            new PartBody().transferTo(OutputStream.nullOutputStream());
        }
        started = true;
        if (finished) {
            return null;
        }
        if (!afterDelimiter()) {
            finished = true;
            return null;
        }
        current = new Part(readHeaders(), new PartBody());
        return current;
    }

    // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF and a part.
    private boolean afterDelimiter() throws IOException {
        if (!fill(2)) {
            throw new MalformedMultipartException("the multipart body ended right after a boundary");
        }
        if (buffer[position] == '-' && buffer[position + 1] == '-') {
            position += 2;
            return false;
        }
        while (true) {
            if (!fill(2)) {
                throw new MalformedMultipartException("the multipart body ended right after a boundary");
            }
            byte b = buffer[position];
            if (b == ' ' || b == '\t') {
                position++;
            } else if (b == '\r' && buffer[position + 1] == '\n') {
                position += 2;
                return true;
            } else {
                throw new MalformedMultipartException("a multipart boundary is followed by other text than a line end");
            }
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int read = 0;
        while (true) {
            String line = readLine();
            read += line.length() + 2;
            if (read > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("the headers of a multipart part exceed "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("a multipart part has a header line without a name");
            }
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (!fill(2)) {
                throw new MalformedMultipartException("the multipart body ended inside a part's headers");
            }
            if (buffer[position] == '\r' && buffer[position + 1] == '\n') {
                position += 2;
                return line.toString();
            }
            if (line.length() > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("a multipart header line exceeds " + MAX_HEADER_BYTES + " bytes");
            }
            line.append((char) (buffer[position++] & 0xff));
        }
    }

    // Makes at least n bytes available from position; false at the end of the stream before that.
    private boolean fill(int n) throws IOException {
        if (limit - position >= n) {
            return true;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        while (limit < n) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                return false;
            }
            limit += read;
        }
        return true;
    }

    // Index of the delimiter in buffer[position, limit), or -1.
    private int indexOfDelimiter() {
        int last = limit - delimiter.length;
        outer:
        for (int i = position; i <= last; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buffer[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The bytes up to the next delimiter, which it consumes. */
    private final class PartBody extends InputStream {

        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (ended) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            while (true) {
                int found = indexOfDelimiter();
                if (found == position) {
                    position += delimiter.length;
                    ended = true;
                    return -1;
                }
                // Bytes before a delimiter, or before a tail that may be the start of one, are the part's.
                int safeEnd = found >= 0 ? found : Math.max(position, limit - delimiter.length + 1);
                if (safeEnd > position) {
                    int n = Math.min(length, safeEnd - position);
                    System.arraycopy(buffer, position, target, offset, n);
                    position += n;
                    return n;
                }
                if (!fill(limit - position + 1)) {
                    throw new MalformedMultipartException("the multipart body ended before its closing boundary:"
                            + " the transfer broke off");
                }
            }
        }
    }

    private static String printable(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return shown.replaceAll("[\\p{Cntrl}]", "?");
    }
}
