package org.glean.web;

import io.quarkus.security.Authenticated;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.glean.security.InvalidTokenException;
import org.glean.security.Role;
import org.glean.security.TokenService;
import org.glean.security.TokenVerifier;

/**
 * The browser's session: a password sign-in sets the user's token as an HttpOnly, SameSite=Strict
 * cookie (Secure over TLS), which every REST resource accepts as it accepts an
 * {@code Authorization: Bearer} header; who is signed in; sign-out.
 */
@Path("/api/session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final TokenService tokens;
    private final TokenVerifier verifier;
    private final AuditTrail trail;
    private final JsonWebToken token;

    public SessionResource(TokenService tokens, TokenVerifier verifier, AuditTrail trail, JsonWebToken token) {
        this.tokens = tokens;
        this.verifier = verifier;
        this.trail = trail;
        this.token = token;
    }

    /** A sign-in: the user's name and password. */
    public record SignIn(String user, String password) {
    }

    /** Who is signed in: Glean's roles from the token, and when the token runs out. */
    public record Session(String user, List<String> roles, Instant expiresAt) {
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @AuditedAs(AuditAction.TOKEN_ISSUED)
    public Response signIn(SignIn signIn, @Context HttpServerRequest request) {
        if (signIn == null || signIn.user() == null || signIn.user().isBlank() || signIn.password() == null) {
            return new Refusal(400, "bad-request", "Enter your user name and password.").response();
        }
        return tokens.signIn(signIn.user(), signIn.password().toCharArray(), WebCaller.peer(request))
                .map(issued -> Response.ok(new Session(signIn.user(), rolesOf(issued.token()), issued.expiresAt()))
                        .cookie(cookie(issued.token(), (int) issued.lifetime().toSeconds(), request.isSSL()))
                        .build())
                .orElseGet(() -> new Refusal(401, "sign-in-refused", "Unknown user or wrong password.").response());
    }

    @GET
    @Authenticated
    public Session current() {
        return new Session(token.getName(), gleanRoles(token.getGroups()),
                Instant.ofEpochSecond(token.getExpirationTime()));
    }

    /** Clears the cookie; recorded when it held a valid token. The token itself stays valid until it expires. */
    @DELETE
    @PermitAll
    @AuditedAs(AuditAction.SIGNED_OUT)
    public Response signOut(@CookieParam(WebSession.COOKIE) String token, @Context HttpServerRequest request) {
        if (token != null) {
            try {
                trail.append(AuditEntry.of(new Actor(verifier.verify(token).subject(), WebCaller.peer(request)),
                        AuditAction.SIGNED_OUT));
            } catch (InvalidTokenException expired) {
                // nothing to sign out of: the cookie is cleared all the same
            }
        }
        return Response.noContent().cookie(cookie("", 0, request.isSSL())).build();
    }

    private List<String> rolesOf(String token) {
        try {
            return verifier.verify(token).roles().stream().map(Role::claim).sorted().toList();
        } catch (InvalidTokenException e) {
            throw new IllegalStateException("a token just issued does not verify", e);
        }
    }

    private static List<String> gleanRoles(Set<String> groups) {
        return groups.stream().filter(group -> Role.ofClaim(group).isPresent()).sorted().toList();
    }

    private static NewCookie cookie(String token, int maxAgeSeconds, boolean secure) {
        return new NewCookie.Builder(WebSession.COOKIE).value(token).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAgeSeconds).build();
    }
}
