package org.glean.security;

import io.smallrye.jwt.build.Jwt;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/** Signs Glean's own bearer tokens: subject, roles as {@code groups}, a short lifetime. */
public final class TokenIssuer {

    private final String issuer;
    private final PrivateKey key;

    public TokenIssuer(String issuer, PrivateKey key) {
        this.issuer = issuer;
        this.key = key;
    }

    public String issue(String subject, Set<Role> roles, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token's lifetime must be positive, got " + lifetime);
        }
        return Jwt.issuer(issuer)
                .subject(subject)
                .upn(subject)
                .groups(roles.stream().map(Role::claim).collect(Collectors.toSet()))
                .expiresIn(lifetime)
                .sign(key);
    }
}
