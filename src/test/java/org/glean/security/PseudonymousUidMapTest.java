package org.glean.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.glean.dicom.DicomUid;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * The pseudonymous UID map and the log references against the real database: what another
 * replica, or the same server after a restart, reads from PostgreSQL is what this one made.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class PseudonymousUidMapTest {

    @Inject
    DataSource dataSource;

    @Inject
    PseudonymousUidMap map;

    @Inject
    InstallationSecrets secrets;

    @Test
    void aUidGetsOneValidPseudonymForGoodAndItLeadsBackToIt() {
        List<String> uids = List.of(uid(), uid(), uid());

        Map<String, String> first = map.pseudonymsOf(uids);

        assertThat(first).containsOnlyKeys(uids);
        assertThat(first.values()).doesNotHaveDuplicates().allSatisfy(pseudonym -> {
            assertThat(pseudonym).startsWith("2.25.");
            assertThat(DicomUid.isValid(pseudonym)).as(pseudonym).isTrue();
        });
        assertThat(map.pseudonymsOf(List.of(uids.get(1), uid()))).containsEntry(uids.get(1), first.get(uids.get(1)));
        // a map over the same database, as another replica or a restarted server has
        assertThat(new PseudonymousUidMap(dataSource).pseudonymsOf(uids)).isEqualTo(first);
        assertThat(map.originalOf(first.get(uids.get(2)))).contains(uids.get(2));
        assertThat(map.originalOf(uids.get(2))).isEmpty();
    }

    @Test
    void replicasDrawingAtOnceForTheSameUidsAgreeOnOnePseudonymEach() throws Exception {
        List<String> uids = List.of(uid(), uid(), uid(), uid());
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Map<String, String>>> draws = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                PseudonymousUidMap replica = new PseudonymousUidMap(dataSource);
                draws.add(() -> replica.pseudonymsOf(uids));
            }
            List<Map<String, String>> answers = new ArrayList<>();
            for (Future<Map<String, String>> answer : replicas.invokeAll(draws)) {
                answers.add(answer.get());
            }
            assertThat(answers).allSatisfy(answer -> assertThat(answer).isEqualTo(answers.get(0)));
        } finally {
            replicas.shutdownNow();
        }
    }

    @Test
    void logReferencesAreKeyedByTheInstallationSecretInTheDatabase() throws Exception {
        byte[] secret;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT secret FROM installation_secret WHERE purpose = 'log-references'");
             ResultSet row = select.executeQuery()) {
            assertThat(row.next()).as("the secret made at start-up").isTrue();
            secret = row.getBytes(1);
        }
        String uid = uid();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        String expected = "ref:" + HexFormat.of().formatHex(mac.doFinal(uid.getBytes(StandardCharsets.US_ASCII)))
                .substring(0, 12);

        assertThat(UidReference.of(uid)).isEqualTo(expected).doesNotContain(uid);
        assertThat(secrets.secret(InstallationSecrets.LOG_REFERENCES)).isEqualTo(secret);
    }

    private static String uid() {
        return "2.25." + Long.toUnsignedString(UUID.randomUUID().getMostSignificantBits() >>> 1);
    }
}
