package org.glean.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.glean.persistence.Jdbc;

/**
 * The built-in users (db/migration/V7__users.sql): names, roles and password hashes. Every user
 * added is recorded in the audit trail, in the transaction that adds it.
 */
@ApplicationScoped
public class UserStore {

    public static final String FIRST_ADMIN = "admin";

    private final DataSource dataSource;
    private final AuditTrail trail;

    public UserStore(DataSource dataSource, AuditTrail trail) {
        this.dataSource = dataSource;
        this.trail = trail;
    }

    /** Adds the user for {@code by}; false when the name is taken (nothing changes then). */
    public boolean add(String name, Set<Role> roles, char[] password, Actor by) {
        if (name.isBlank() || !name.equals(name.strip())) {
            throw new IllegalArgumentException("a user name must not be blank or start or end with spaces");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a user needs at least one role");
        }
        if (password.length < 12) {
            throw new IllegalArgumentException("a password needs at least 12 characters");
        }
        return insert("INSERT INTO glean_user (name, password_hash, roles) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                name, roles, password, by);
    }

    /**
     * Adds the first admin when there is no user at all; false when there is one (another
     * replica may have added it at the same time: the name's key decides).
     */
    public boolean addFirstAdmin(char[] password) {
        if (!isEmpty()) {
            // the usual case, without hashing a password for nothing
            return false;
        }
        return insert("INSERT INTO glean_user (name, password_hash, roles) SELECT ?, ?, ? "
                + "WHERE NOT EXISTS (SELECT 1 FROM glean_user) ON CONFLICT DO NOTHING",
                FIRST_ADMIN, EnumSet.of(Role.ADMIN), password, Actor.GLEAN);
    }

    /** The user's roles when the password is theirs; empty for an unknown user or a wrong password. */
    public Optional<Set<Role>> authenticate(String name, char[] password) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT password_hash, roles FROM glean_user WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    // the same work as for a known name: no timing tells which names exist
                    PasswordHashing.matches(password, PasswordHashing.hash(new char[0]));
                    return Optional.empty();
                }
                if (!PasswordHashing.matches(password, row.getString(1))) {
                    return Optional.empty();
                }
                Set<Role> roles = EnumSet.noneOf(Role.class);
                Arrays.stream((String[]) row.getArray(2).getArray())
                        .forEach(claim -> Role.ofClaim(claim).ifPresent(roles::add));
                return Optional.of(roles);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the user store", e);
        }
    }

    private boolean isEmpty() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM glean_user)");
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the user store", e);
        }
    }

    private boolean insert(String sql, String name, Set<Role> roles, char[] password, Actor by) {
        String hash = PasswordHashing.hash(password);
        List<String> claims = roles.stream().map(Role::claim).sorted().toList();
        try {
            return Jdbc.inTransaction(dataSource, connection -> {
                try (PreparedStatement insert = connection.prepareStatement(sql)) {
                    insert.setString(1, name);
                    insert.setString(2, hash);
                    insert.setArray(3, connection.createArrayOf("text", claims.toArray()));
                    if (insert.executeUpdate() == 0) {
                        return false;
                    }
                }
                trail.append(connection, AuditEntry.of(by, AuditAction.USER_ADDED).target("user " + name)
                        .detail("roles " + String.join(", ", claims)));
                return true;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the user store", e);
        }
    }
}
