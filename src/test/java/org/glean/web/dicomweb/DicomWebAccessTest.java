package org.glean.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import java.time.Instant;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.glean.security.Role;
import org.glean.security.TestTokens;
import org.glean.security.TokenIssuer;
import org.glean.security.TokenSigningKey;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/** Every DICOMweb resource takes a valid token of a role that reads images. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DicomWebAccessTest extends DicomWebTest {

    private List<String> everyResource() {
        String instance = study.instancePath(study.explicitLittle());
        String series = "studies/" + study.studyUid() + "/series/" + study.ctSeriesUid();
        return List.of(instance + "/frames/1", instance + "/metadata", series + "/metadata",
                "studies/" + study.studyUid() + "/metadata", instance, series, "studies/" + study.studyUid());
    }

    @Test
    void withoutAValidTokenEveryResourceIs401() {
        String expired = Jwt.issuer(TestTokens.ISSUER).subject("dr-late").groups(Role.ANNOTATOR.claim())
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(TokenSigningKey.read(TestTokens.SIGNING_KEY));
        String otherKey = new TokenIssuer(TestTokens.ISSUER, TokenSigningKey.generate().getPrivate())
                .issue("dr-forger", EnumSet.of(Role.ANNOTATOR), Duration.ofMinutes(5));
        String otherIssuer = new TokenIssuer("someone-else", TokenSigningKey.read(TestTokens.SIGNING_KEY))
                .issue("dr-elsewhere", EnumSet.of(Role.ANNOTATOR), Duration.ofMinutes(5));
        for (String path : everyResource()) {
            for (String token : new String[] {null, "not-a-jwt", expired, otherKey, otherIssuer}) {
                assertThat(calls.get(path, token, null).statusCode()).as("%s with %s", path, token).isEqualTo(401);
            }
        }
    }

    @Test
    void ingestAndInferenceRolesAre403() {
        for (Role role : List.of(Role.INGEST, Role.INFERENCE)) {
            String token = TestTokens.token("pipeline", role);
            for (String path : everyResource()) {
                assertThat(calls.get(path, token, null).statusCode()).as("%s as %s", path, role).isEqualTo(403);
            }
        }
        assertThat(calls.get(everyResource().get(0), TestTokens.token("nobody"), null).statusCode()).isEqualTo(403);
    }

    @Test
    void annotatorsCuratorsAndAdminsRead() {
        for (Role role : List.of(Role.ANNOTATOR, Role.CURATOR, Role.ADMIN)) {
            String token = TestTokens.token("reader", role);
            for (String path : everyResource()) {
                assertThat(calls.get(path, token, null).statusCode()).as("%s as %s", path, role).isEqualTo(200);
            }
        }
    }
}
