package org.glean.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * DICOM UIDs derived deterministically from a seed and a path of names, as
 * {@code 2.25.<decimal of a UUID>} (PS3.5 B.2): the same seed and path always give the same UID,
 * different ones practically never collide, and no registered root is needed.
 */
public final class DerivedUids {

    private DerivedUids() {
    }

    /** A UID for {@code path} (e.g. "study", "3", "series", "1") under {@code seed}. */
    public static String derive(long seed, String... path) {
        String name = "glean:" + seed + ":" + String.join("/", path);
        UUID uuid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        byte[] bytes = ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array();
        return "2.25." + new BigInteger(1, bytes);
    }
}
