package org.glean.security;

import io.smallrye.jwt.build.Jwt;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * Tokens for tests, signed with the test key (src/test/resources/test-jwt, which the test profile's
 * mp.jwt.verify.publickey.location trusts), as the identity provider of a site would sign them.
 */
public final class TestTokens {

    public static final String ISSUER = "glean";
    public static final Path SIGNING_KEY = Path.of("src/test/resources/test-jwt/signing-key.pem");
    /** Who the test channels act as unless a call says otherwise. */
    public static final String TEST_ADMIN = "test-admin";

    private static final TokenIssuer TEST_KEY = new TokenIssuer(ISSUER, TokenSigningKey.read(SIGNING_KEY));

    private TestTokens() {
    }

    /** A token for the subject with the roles, valid for ten minutes. */
    public static String token(String subject, Role... roles) {
        return TEST_KEY.issue(subject, roles.length == 0 ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(List.of(roles)),
                Duration.ofMinutes(10));
    }

    /**
     * Tokens for the role that Glean must refuse as unauthenticated: an expired one, one signed by
     * another key, and one of another issuer.
     */
    public static List<String> invalid(Role role) {
        String expired = Jwt.issuer(ISSUER).subject("late").groups(role.claim())
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(TokenSigningKey.read(SIGNING_KEY));
        String otherKey = new TokenIssuer(ISSUER, TokenSigningKey.generate().getPrivate())
                .issue("forger", EnumSet.of(role), Duration.ofMinutes(5));
        String otherIssuer = new TokenIssuer("someone-else", TokenSigningKey.read(SIGNING_KEY))
                .issue("stranger", EnumSet.of(role), Duration.ofMinutes(5));
        return List.of(expired, otherKey, otherIssuer);
    }

    /** Call credentials that act as the subject with the roles. */
    public static BearerToken as(String subject, Role... roles) {
        return new BearerToken(token(subject, roles));
    }

    /** The test channels' default: {@link #TEST_ADMIN}, who may call everything. */
    public static BearerToken admin() {
        return as(TEST_ADMIN, Role.ADMIN);
    }
}
