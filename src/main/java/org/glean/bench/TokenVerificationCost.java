package org.glean.bench;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.glean.security.InvalidTokenException;
import org.glean.security.PemFiles;
import org.glean.security.Role;
import org.glean.security.TokenIssuer;
import org.glean.security.TokenSigningKey;
import org.glean.security.TokenVerifier;

/**
 * What verifying one bearer token costs, the work every authenticated call adds: the server's
 * {@link TokenVerifier} over smallrye-jwt (RS256 signature, issuer and expiry checked), run in this
 * JVM on a token signed with a server's key. Tokens are verified on every call, not cached.
 */
public final class TokenVerificationCost {

    private static final String ISSUER = "glean";

    private TokenVerificationCost() {
    }

    /** Mean time per verification over {@code measured} calls, after {@code warmup} that are not counted. */
    public static Duration perCall(Path securityFolder, int warmup, int measured) {
        JWTAuthContextInfo context = new JWTAuthContextInfo(
                PemFiles.publicKey(securityFolder.resolve(TokenSigningKey.PUBLIC_KEY), "RSA"), ISSUER);
        TokenVerifier verifier = new TokenVerifier(new DefaultJWTParser(context));
        String token = new TokenIssuer(ISSUER, TokenSigningKey.read(securityFolder.resolve(TokenSigningKey.PRIVATE_KEY)))
                .issue("glean-bench", EnumSet.of(Role.INGEST), Duration.ofHours(1));
        try {
            for (int i = 0; i < warmup; i++) {
                verifier.verify(token);
            }
            long start = System.nanoTime();
            for (int i = 0; i < measured; i++) {
                verifier.verify(token);
            }
            return Duration.ofNanos((System.nanoTime() - start) / measured);
        } catch (InvalidTokenException e) {
            throw new IllegalStateException("a token signed with the server's own key did not verify: " + e.getMessage(), e);
        }
    }
}
