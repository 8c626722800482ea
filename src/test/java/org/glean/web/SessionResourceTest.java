package org.glean.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.net.HttpCookie;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.security.AuditAction;
import org.glean.security.AuditRecord;
import org.glean.security.AuditRows;
import org.glean.security.AuditTrail;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.security.TokenIssuer;
import org.glean.security.TokenSigningKey;
import org.glean.security.UserStore;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser's session against the real server: a password sign-in sets an HttpOnly,
 * SameSite=Strict cookie that REST resources accept, as they accept a bearer header; refusals
 * are JSON in words and written to the audit trail.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SessionResourceTest {

    private static final String PASSWORD = "correct horse battery";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    UserStore users;

    @Inject
    AuditTrail trail;

    private WebRequests web;

    @BeforeEach
    void setUp() {
        web = new WebRequests(port);
        users.add("dr-session", EnumSet.of(Role.ANNOTATOR, Role.CURATOR), PASSWORD.toCharArray(),
                org.glean.security.Actor.GLEAN);
    }

    @Test
    void aSignInSetsAStrictHttpOnlyCookieThatTheSessionAnswersTo() {
        HttpResponse<String> signIn = web.send(web.to("/api/session").header(WebSession.REQUEST_HEADER, "page")
                .header("Content-Type", "application/json")
                .POST(WebRequests.json(new SessionResource.SignIn("dr-session", PASSWORD))));

        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/")
                .as("plain HTTP on loopback: no Secure flag").doesNotContain("Secure;").doesNotEndWith("Secure");
        HttpCookie cookie = HttpCookie.parse(setCookie).get(0);
        assertThat(cookie.getName()).isEqualTo(WebSession.COOKIE);
        assertThat(cookie.getMaxAge()).isBetween(3500L, 3600L);
        assertThat(WebRequests.body(signIn).path("user").asText()).isEqualTo("dr-session");

        HttpResponse<String> session = web.send(web.to("/api/session")
                .header("Cookie", WebSession.COOKIE + "=" + cookie.getValue()));
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        assertThat(session.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(WebRequests.body(session).path("user").asText()).isEqualTo("dr-session");
        assertThat(WebRequests.body(session).path("roles")).extracting(node -> node.asText())
                .containsExactly("annotator", "curator");
        Instant expires = Instant.parse(WebRequests.body(session).path("expiresAt").asText());
        assertThat(expires).isBetween(Instant.now().plus(Duration.ofMinutes(55)), Instant.now().plus(Duration.ofHours(1)));

        List<AuditRecord> rows = AuditRows.of(trail, "dr-session");
        assertThat(rows).extracting(AuditRecord::action, AuditRecord::outcome, AuditRecord::target)
                .contains(org.assertj.core.groups.Tuple.tuple(AuditAction.TOKEN_ISSUED.name(), "OK", "user dr-session"));
    }

    @Test
    void aBearerHeaderIsAcceptedAsTheCookieIs() {
        HttpResponse<String> session = web.send(web.to("/api/session")
                .header("Authorization", "Bearer " + TestTokens.token("pipeline-7", Role.INGEST)));

        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        assertThat(WebRequests.body(session).path("user").asText()).isEqualTo("pipeline-7");
    }

    @Test
    void aWrongPasswordIsRefusedInWordsAndRecorded() {
        HttpResponse<String> signIn = web.send(web.to("/api/session").header(WebSession.REQUEST_HEADER, "page")
                .header("Content-Type", "application/json")
                .POST(WebRequests.json(new SessionResource.SignIn("dr-session", "not the password"))));

        assertThat(signIn.statusCode()).isEqualTo(401);
        assertThat(signIn.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(WebRequests.body(signIn).path("code").asText()).isEqualTo("sign-in-refused");
        assertThat(WebRequests.body(signIn).path("message").asText()).isEqualTo("Unknown user or wrong password.");
        assertThat(AuditRows.of(trail, AuditAction.TOKEN_ISSUED)).anySatisfy(row -> {
            assertThat(row.actor()).isEqualTo("anonymous");
            assertThat(row.target()).isEqualTo("user dr-session");
            assertThat(row.outcome()).isEqualTo("UNAUTHENTICATED");
            assertThat(row.peer()).startsWith("127.0.0.1:");
        });
    }

    @Test
    void withoutAValidTokenTheSessionIs401InWordsAndRecorded() {
        String expired = Jwt.issuer(TestTokens.ISSUER).subject("late").groups(Role.ADMIN.claim())
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(TokenSigningKey.read(TestTokens.SIGNING_KEY));
        String forged = new TokenIssuer(TestTokens.ISSUER, TokenSigningKey.generate().getPrivate())
                .issue("forger", EnumSet.of(Role.ADMIN), Duration.ofMinutes(5));
        int before = AuditRows.of(trail, AuditAction.WEB_REQUEST).size();

        for (HttpRequest.Builder request : List.of(web.to("/api/session"),
                web.to("/api/session").header("Cookie", WebSession.COOKIE + "=" + expired),
                web.to("/api/session").header("Cookie", WebSession.COOKIE + "=" + forged),
                web.to("/api/session").header("Authorization", "Bearer " + forged))) {
            HttpResponse<String> response = web.send(request);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            assertThat(WebRequests.body(response).path("code").asText()).isEqualTo("signed-out");
            assertThat(WebRequests.body(response).path("message").asText()).contains("Sign in again");
        }

        List<AuditRecord> rows = AuditRows.of(trail, AuditAction.WEB_REQUEST);
        assertThat(rows).hasSize(before + 4);
        assertThat(rows.subList(before, rows.size())).allSatisfy(row -> {
            assertThat(row.actor()).isEqualTo("anonymous");
            assertThat(row.outcome()).isEqualTo("UNAUTHENTICATED");
            assertThat(row.detail()).startsWith("GET /api/session: ");
        });
    }

    @Test
    void aStateChangingRequestWithoutTheRequestHeaderIsRefused() {
        HttpResponse<String> signIn = web.send(web.to("/api/session").header("Content-Type", "application/json")
                .POST(WebRequests.json(new SessionResource.SignIn("dr-session", PASSWORD))));

        assertThat(signIn.statusCode()).isEqualTo(403);
        assertThat(signIn.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(WebRequests.body(signIn).path("code").asText()).isEqualTo("missing-request-header");
        assertThat(AuditRows.of(trail, AuditAction.TOKEN_ISSUED)).last().satisfies(row -> {
            assertThat(row.outcome()).isEqualTo("PERMISSION_DENIED");
            assertThat(row.detail()).isEqualTo("POST /api/session: no X-Glean-Request header");
        });
    }

    @Test
    void signingOutClearsTheCookieAndIsRecorded() {
        String token = TestTokens.token("dr-leaving", Role.ANNOTATOR);

        HttpResponse<String> signOut = web.send(web.asPage("/api/session", token).DELETE());

        assertThat(signOut.statusCode()).isEqualTo(204);
        HttpCookie cleared = HttpCookie.parse(signOut.headers().firstValue("Set-Cookie").orElseThrow()).get(0);
        assertThat(cleared.getName()).isEqualTo(WebSession.COOKIE);
        assertThat(cleared.getMaxAge()).isZero();
        assertThat(AuditRows.of(trail, "dr-leaving")).extracting(AuditRecord::action)
                .containsExactly(AuditAction.SIGNED_OUT.name());
    }
}
