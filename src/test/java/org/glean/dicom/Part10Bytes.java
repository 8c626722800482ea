package org.glean.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The bytes of a real Part-10 file, edited into a malformed variant of it. */
final class Part10Bytes {

    private byte[] bytes;

    private Part10Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    static Part10Bytes of(Path file) {
        try {
            return new Part10Bytes(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int length() {
        return bytes.length;
    }

    /** Offset of the first explicit VR little endian element header with this tag and VR. */
    int explicitLittleEndian(int tag, String vr) {
        byte[] vrBytes = vr.getBytes(StandardCharsets.US_ASCII);
        return indexOf(new byte[] {(byte) (tag >>> 16), (byte) (tag >>> 24), (byte) tag, (byte) (tag >>> 8),
            vrBytes[0], vrBytes[1]});
    }

    /** Offset of the first explicit VR big endian element header with this tag and VR. */
    int explicitBigEndian(int tag, String vr) {
        byte[] vrBytes = vr.getBytes(StandardCharsets.US_ASCII);
        return indexOf(new byte[] {(byte) (tag >>> 24), (byte) (tag >>> 16), (byte) (tag >>> 8), (byte) tag,
            vrBytes[0], vrBytes[1]});
    }

    /** Offset of the first implicit VR little endian element header with this tag. */
    int implicitLittleEndian(int tag) {
        return indexOf(new byte[] {(byte) (tag >>> 16), (byte) (tag >>> 24), (byte) tag, (byte) (tag >>> 8)});
    }

    int indexOf(String ascii) {
        return indexOf(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    int indexOf(byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not found in the file: " + Arrays.toString(pattern));
    }

    int unsigned16(int offset) {
        return bytes[offset] & 0xFF | (bytes[offset + 1] & 0xFF) << 8;
    }

    long unsigned32(int offset) {
        return unsigned16(offset) | (long) unsigned16(offset + 2) << 16;
    }

    Part10Bytes setUnsigned16(int offset, int value) {
        bytes[offset] = (byte) value;
        bytes[offset + 1] = (byte) (value >>> 8);
        return this;
    }

    Part10Bytes setUnsigned32(int offset, long value) {
        setUnsigned16(offset, (int) value);
        return setUnsigned16(offset + 2, (int) (value >>> 16));
    }

    Part10Bytes setUnsigned32BigEndian(int offset, long value) {
        for (int i = 0; i < 4; i++) {
            bytes[offset + i] = (byte) (value >>> 8 * (3 - i));
        }
        return this;
    }

    Part10Bytes set(int offset, byte... values) {
        System.arraycopy(values, 0, bytes, offset, values.length);
        return this;
    }

    Part10Bytes set(int offset, String ascii) {
        return set(offset, ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    Part10Bytes truncate(int length) {
        bytes = Arrays.copyOf(bytes, length);
        return this;
    }

    Part10Bytes remove(int offset, int count) {
        byte[] shorter = new byte[bytes.length - count];
        System.arraycopy(bytes, 0, shorter, 0, offset);
        System.arraycopy(bytes, offset + count, shorter, offset, bytes.length - offset - count);
        bytes = shorter;
        return this;
    }

    Part10Bytes append(byte[] extra) {
        byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.length);
        System.arraycopy(extra, 0, longer, bytes.length, extra.length);
        bytes = longer;
        return this;
    }

    Path write(Path file) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
