package org.glean.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tokens for the built-in users: a name and password in, a short-lived signed token out. Every
 * sign-in, over gRPC (Identity.IssueToken) or the browser (POST /api/session), is recorded here.
 */
@ApplicationScoped
public class TokenService {

    /** Why a sign-in is refused, in words that say nothing about which of the two was wrong. */
    public static final String REFUSED = "unknown user or wrong password";

    private final UserStore users;
    private final TokenIssuer issuer;
    private final Duration userTokenLifetime;
    private final AuditTrail trail;

    public TokenService(UserStore users, AuditTrail trail,
                        @ConfigProperty(name = "glean.security.token.issuer") String issuer,
                        @ConfigProperty(name = "glean.security.token.signing-key") Path signingKey,
                        @ConfigProperty(name = "glean.security.token.user-lifetime") Duration userTokenLifetime) {
        this.users = users;
        this.trail = trail;
        this.issuer = new TokenIssuer(issuer, TokenSigningKey.read(signingKey));
        this.userTokenLifetime = userTokenLifetime;
    }

    /** A signed token and when it stops being accepted. */
    public record IssuedToken(String token, Instant expiresAt, Duration lifetime) {
    }

    /** A token for the user when the password is theirs. */
    public Optional<String> issueForUser(String name, char[] password) {
        return users.authenticate(name, password).map(roles -> issuer.issue(name, roles, userTokenLifetime));
    }

    /**
     * A password sign-in from {@code peer}, recorded in the audit trail under the name it claimed
     * as target; the actor is that user only once the password proved it.
     */
    public Optional<IssuedToken> signIn(String name, char[] password, String peer) {
        String user = "user " + name;
        Instant expiresAt = Instant.now().plus(userTokenLifetime);
        Optional<IssuedToken> issued = issueForUser(name, password)
                .map(token -> new IssuedToken(token, expiresAt, userTokenLifetime));
        if (issued.isPresent()) {
            trail.append(AuditEntry.of(new Actor(name, peer), AuditAction.TOKEN_ISSUED).target(user));
        } else {
            trail.append(AuditEntry.of(new Actor(Actor.ANONYMOUS, peer), AuditAction.TOKEN_ISSUED).target(user)
                    .outcome("UNAUTHENTICATED").detail(REFUSED));
        }
        return issued;
    }
}
