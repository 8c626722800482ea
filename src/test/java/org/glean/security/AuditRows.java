package org.glean.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Reading the audit trail in tests. */
public final class AuditRows {

    private AuditRows() {
    }

    /** The rows of one actor, oldest first (at most 1000). */
    public static List<AuditRecord> of(AuditTrail trail, String actor) {
        return trail.list(new AuditTrail.Filter(null, actor, null, null, 1000));
    }

    /** The rows of one action, oldest first (the latest 10000). */
    public static List<AuditRecord> of(AuditTrail trail, AuditAction action) {
        return trail.list(new AuditTrail.Filter(null, null, action, null, AuditTrail.MAX_LIST));
    }

    /** How the trail names a study: the SHA-256 of its UID, in hex, worked out here independently. */
    public static String studyRef(String studyInstanceUid) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(studyInstanceUid.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
