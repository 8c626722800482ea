package org.glean.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Tokens for the built-in users: a name and password in, a short-lived signed token out. */
@ApplicationScoped
public class TokenService {

    private final UserStore users;
    private final TokenIssuer issuer;
    private final Duration userTokenLifetime;

    public TokenService(UserStore users,
                        @ConfigProperty(name = "glean.security.token.issuer") String issuer,
                        @ConfigProperty(name = "glean.security.token.signing-key") Path signingKey,
                        @ConfigProperty(name = "glean.security.token.user-lifetime") Duration userTokenLifetime) {
        this.users = users;
        this.issuer = new TokenIssuer(issuer, TokenSigningKey.read(signingKey));
        this.userTokenLifetime = userTokenLifetime;
    }

    /** A token for the user when the password is theirs. */
    public Optional<String> issueForUser(String name, char[] password) {
        return users.authenticate(name, password).map(roles -> issuer.issue(name, roles, userTokenLifetime));
    }
}
