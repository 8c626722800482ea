package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-built multipart/related bodies, read as a slow network would deliver them. */
class MultipartReaderTest {

    private static final String BOUNDARY = "glean-boundary.42";

    @Test
    void takesTheBoundaryFromAQuotedOrPlainContentTypeParameter() throws Exception {
        assertThat(MultipartReader.boundaryOf(
                "multipart/related; type=\"application/dicom\"; boundary=\"a b:c\"")).isEqualTo("a b:c");
        assertThat(MultipartReader.boundaryOf("Multipart/Related;boundary=xyz;type=application/dicom"))
                .isEqualTo("xyz");
    }

    @Test
    void refusesAContentTypeThatIsNotMultipartOrNamesNoBoundary() {
        assertThatThrownBy(() -> MultipartReader.boundaryOf("application/json"))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("not multipart/related");
        assertThatThrownBy(() -> MultipartReader.boundaryOf("multipart/related; type=\"application/dicom\""))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("no boundary");
    }

    @Test
    void skipsPreambleAndEpilogueAndReturnsEachPartWithItsHeaders() throws Exception {
        String body = "This is a preamble.\r\n--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n"
                + "Content-Length: 5\r\n\r\nfirst\r\n--" + BOUNDARY + "  \t\r\nCONTENT-TYPE: application/dicom\r\n\r\n"
                + "second\r\n--" + BOUNDARY + "--\r\nan epilogue";

        List<MultipartReader.Part> parts = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(ascii(body)), BOUNDARY);
        for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
            parts.add(part);
            bodies.add(new String(part.body().readAllBytes(), StandardCharsets.ISO_8859_1));
        }

        assertThat(bodies).containsExactly("first", "second");
        assertThat(parts).extracting(MultipartReader.Part::contentType)
                .containsExactly("application/dicom", "application/dicom");
        assertThat(parts.get(0).headers()).containsEntry("content-length", "5");
        assertThat(reader.next()).isNull();
    }

    @Test
    void keepsLineEndsAndDashesInsideABodyThatAreNotADelimiter() throws Exception {
        String tricky = "\r\n\r\r\n-\r\n--\r\n--glean-boundary\r\n--" + BOUNDARY.substring(0, 10) + "\r";
        String body = "--" + BOUNDARY + "\r\n\r\n" + tricky + "\r\n--" + BOUNDARY + "--";

        assertThat(readAll(new ByteArrayInputStream(ascii(body)))).containsExactly(ascii(tricky));
    }

    @Test
    void readsAnEmptyPartAndAPartEndingInCarriageReturn() throws Exception {
        String body = "--" + BOUNDARY + "\r\n\r\n\r\n--" + BOUNDARY + "\r\n\r\nx\r\r\n--" + BOUNDARY + "--\r\n";

        assertThat(readAll(new ByteArrayInputStream(ascii(body)))).containsExactly(new byte[0], ascii("x\r"));
    }

    @Test
    void readsPartsLargerThanItsBufferDeliveredInPiecesThatSplitTheDelimiter() throws Exception {
        Random random = new Random(7);
        byte[] first = new byte[300_000];
        byte[] second = new byte[70_001];
        random.nextBytes(first);
        random.nextBytes(second);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(ascii("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n"));
        body.write(first);
        body.write(ascii("\r\n--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n"));
        body.write(second);
        body.write(ascii("\r\n--" + BOUNDARY + "--\r\n"));

        for (int pieceSize : new int[] {1, 3, 17, 8191}) {
            assertThat(readAll(new Trickle(body.toByteArray(), pieceSize))).as("pieces of %d bytes", pieceSize)
                    .containsExactly(first, second);
        }
    }

    @Test
    void failsWhenTheBodyEndsBeforeTheClosingDelimiter() throws Exception {
        String body = "--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\nhalf an instan";
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(ascii(body)), BOUNDARY);
        InputStream part = reader.next().body();

        assertThatThrownBy(part::readAllBytes).isInstanceOf(MalformedMultipartException.class)
                .hasMessageContaining("ended before its closing boundary");
    }

    @Test
    void failsOnABodyWithoutAnyDelimiterAndOnHeadersThatBreakOff() {
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(ascii("<html>Not found</html>"))))
                .isInstanceOf(MalformedMultipartException.class);
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(ascii("--" + BOUNDARY + "\r\nContent-Ty"))))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("headers");
    }

    @Test
    void skipsAPartTheCallerDidNotRead() throws Exception {
        String body = "--" + BOUNDARY + "\r\n\r\nunread\r\n--" + BOUNDARY + "\r\n\r\nread\r\n--" + BOUNDARY + "--";
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(ascii(body)), BOUNDARY);

        reader.next();

        assertThat(reader.next().body().readAllBytes()).isEqualTo(ascii("read"));
        assertThat(reader.next()).isNull();
    }

    private static List<byte[]> readAll(InputStream in) throws IOException {
        MultipartReader reader = new MultipartReader(in, BOUNDARY);
        List<byte[]> bodies = new ArrayList<>();
        for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
            bodies.add(part.body().readAllBytes());
        }
        return bodies;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Hands out at most {@code pieceSize} bytes per read, as a network delivers them. */
    private static final class Trickle extends ByteArrayInputStream {

        private final int pieceSize;

        Trickle(byte[] bytes, int pieceSize) {
            super(bytes);
            this.pieceSize = pieceSize;
        }

        @Override
        public synchronized int read(byte[] target, int offset, int length) {
            return super.read(target, offset, Math.min(length, pieceSize));
        }
    }
}
