package org.glean.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What logs and messages say instead of a UID: {@code ref:} and the first 12 hex digits of
 * HMAC-SHA256(installation secret, UID). The same UID gives the same reference in every log line,
 * on every replica and after restarts, so an operator can follow a study through the logs; without
 * the secret, which never leaves the database, a reference cannot be traced back to its UID, not even
 * by trying the UIDs a site is likely to use. Until the server has read its secret (and in
 * command-line tools, which never log UIDs) a secret of this process stands in.
 */
public final class UidReference {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int HEX_DIGITS = 12;

    private static volatile SecretKeySpec key = new SecretKeySpec(randomSecret(), ALGORITHM);

    private UidReference() {
    }

    /** The reference of {@code uid}; "ref:none" for null. */
    public static String of(String uid) {
        if (uid == null) {
            return "ref:none";
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(uid.getBytes(StandardCharsets.US_ASCII));
            return "ref:" + HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has " + ALGORITHM, e);
        }
    }

    /** Keys every reference from now on with the installation's secret (see {@link InstallationSecrets}). */
    static void useSecret(byte[] secret) {
        key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    static byte[] randomSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }
}
