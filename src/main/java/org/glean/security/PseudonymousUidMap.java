package org.glean.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The pseudonymous UID map (db/migration/V9__deidentification.sql): what stands for each original
 * UID in everything de-identified that leaves Glean. A pseudonym is {@code 2.25.<a random UUID as
 * an integer>} (PS3.5 B.2), drawn the first time a UID needs one and kept, so the same UID gets
 * the same pseudonym in every export, after restarts and on every replica; replicas that draw at
 * once for the same UID agree on whichever row the database kept. A pseudonym says nothing about
 * its UID: only this table links them.
 */
@ApplicationScoped
public class PseudonymousUidMap {

    // Drawing again after a collision of 122 random bits will not happen; the bound only stops a loop.
    private static final int MAX_DRAWS = 3;

    private final DataSource dataSource;

    public PseudonymousUidMap(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The pseudonym of every UID in {@code uids}, drawing and keeping those not yet in the map. */
    public Map<String, String> pseudonymsOf(Collection<String> uids) {
        Set<String> wanted = new LinkedHashSet<>(uids);
        Map<String, String> pseudonyms = new HashMap<>(wanted.size());
        if (wanted.isEmpty()) {
            return pseudonyms;
        }
        try (Connection connection = dataSource.getConnection()) {
            for (int draw = 0; draw < MAX_DRAWS && pseudonyms.size() < wanted.size(); draw++) {
                Set<String> missing = new LinkedHashSet<>(wanted);
                missing.removeAll(pseudonyms.keySet());
                insertDrawn(connection, missing);
                pseudonyms.putAll(select(connection, missing));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read or write the pseudonymous UID map", e);
        }
        if (pseudonyms.size() < wanted.size()) {
            throw new IllegalStateException("no free pseudonym after " + MAX_DRAWS + " random draws");
        }
        return pseudonyms;
    }

    /** The original UID that {@code pseudonym} stands for; empty when it stands for none. */
    public Optional<String> originalOf(String pseudonym) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT original_uid FROM uid_pseudonym WHERE pseudonym = ?")) {
            select.setString(1, pseudonym);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the pseudonymous UID map", e);
        }
    }

    // A UID already mapped, or a drawn pseudonym already taken, leaves its row as it is.
    private static void insertDrawn(Connection connection, Set<String> originals) throws SQLException {
        String[] drawn = originals.stream().map(uid -> randomUid()).toArray(String[]::new);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO uid_pseudonym (original_uid, pseudonym) SELECT * FROM unnest(?::varchar[], ?::varchar[]) "
                        + "ON CONFLICT DO NOTHING")) {
            insert.setArray(1, connection.createArrayOf("varchar", originals.toArray()));
            insert.setArray(2, connection.createArrayOf("varchar", drawn));
            insert.executeUpdate();
        }
    }

    private static Map<String, String> select(Connection connection, Set<String> originals) throws SQLException {
        Map<String, String> found = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT original_uid, pseudonym FROM uid_pseudonym WHERE original_uid = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("varchar", originals.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return found;
    }

    private static String randomUid() {
        UUID uuid = UUID.randomUUID();
        byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, bytes);
    }
}
