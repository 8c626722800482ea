package org.glean.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * What plain JDBC code shares: explicit transactions, transaction-scoped advisory locks, and
 * conversion between {@link Instant} and PostgreSQL's {@code TIMESTAMPTZ} (as an
 * {@link OffsetDateTime} in UTC, so that the JVM's time zone never enters). For the SQL that
 * Panache cannot say: {@code FOR UPDATE SKIP LOCKED}, advisory locks, batches over arrays.
 */
public final class Jdbc {

    private Jdbc() {
    }

    /** Work on one connection; {@code E} is the refusal it may throw, RuntimeException for none. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run(Connection connection) throws SQLException, E;
    }

    /**
     * Runs {@code work} in a transaction of its own: commits when it returns, rolls back when it
     * throws, and hands the connection back to the pool in auto-commit.
     */
    public static <T, E extends Exception> T inTransaction(DataSource dataSource, Work<T, E> work)
            throws SQLException, E {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (Exception e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Runs read-only {@code work} in a transaction that is rolled back at the end: PostgreSQL
     * streams a result set by its fetch size only inside a transaction.
     */
    public static <T, E extends Exception> T reading(DataSource dataSource, Work<T, E> work) throws SQLException, E {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    /** Takes the advisory lock {@code key} until the connection's transaction ends. */
    public static void advisoryLock(Connection connection, long key) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, key);
            lock.execute();
        }
    }

    /** The transaction's time on the database's clock, which every replica shares. */
    public static Instant now(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT now()");
             ResultSet row = select.executeQuery()) {
            row.next();
            return instant(row, 1);
        }
    }

    /** A {@code TIMESTAMPTZ} column as an instant; null for SQL NULL. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        return instant(row.getObject(column, OffsetDateTime.class));
    }

    /** A {@code TIMESTAMPTZ} column, by its position, as an instant; null for SQL NULL. */
    public static Instant instant(ResultSet row, int column) throws SQLException {
        return instant(row.getObject(column, OffsetDateTime.class));
    }

    /** An instant as a {@code TIMESTAMPTZ} parameter value ({@code setObject}); null for null. */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
