package org.glean.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One row of the audit trail as stored.
 *
 * @param study the SHA-256 (hex) of the StudyInstanceUID concerned, or null
 * @param previousHash the row hash of the row before; 64 zeros for the first row
 * @param rowHash SHA-256 of {@code previousHash} followed by {@link #content()}
 */
public record AuditRecord(long id, Instant occurredAt, String actor, String peer, String action, String outcome,
        String study, Long taskId, String target, String fromState, String toState, String detail,
        String previousHash, String rowHash) {

    private static final DateTimeFormatter MICROSECONDS_UTC =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * What the row's hash covers, computed here independently of the database's
     * audit_trail_content (V8__audit_trail.sql), which must say the same: every column but the
     * hashes, each as its length in characters, a colon and its text ("-" for null), joined by "|".
     */
    public String content() {
        return Stream.of(Long.toString(id), MICROSECONDS_UTC.format(occurredAt), actor, peer, action, outcome, study,
                        taskId == null ? null : taskId.toString(), target, fromState, toState, detail)
                .map(field -> field == null ? "-" : field.codePointCount(0, field.length()) + ":" + field)
                .collect(Collectors.joining("|"));
    }

    /** The hash this row must carry, given the previous hash it names. */
    public String expectedHash() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest((previousHash + content()).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
