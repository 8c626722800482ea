package org.glean.security;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies bearer tokens with smallrye-jwt as configured by {@code mp.jwt.verify.*}: the issuer
 * and the public key(s) (a PEM file or a JWKS URL) of Glean's own key or a hospital's identity
 * provider; signature, issuer and expiry are checked. Groups that name no Glean role are ignored.
 */
@ApplicationScoped
public class TokenVerifier {

    private final JWTParser parser;

    public TokenVerifier(JWTParser parser) {
        this.parser = parser;
    }

    public Caller verify(String token) throws InvalidTokenException {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("the bearer token is not valid: " + e.getMessage(), e);
        }
        String subject = jwt.getName();
        if (subject == null || subject.isBlank()) {
            throw new InvalidTokenException("the bearer token names no subject");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        jwt.getGroups().forEach(group -> Role.ofClaim(group).ifPresent(roles::add));
        return new Caller(subject, roles);
    }
}
