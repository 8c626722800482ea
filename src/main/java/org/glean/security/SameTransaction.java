package org.glean.security;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes that join the transaction of the change they belong to, such as the change's audit
 * rows, so that neither is stored without the other.
 */
@FunctionalInterface
public interface SameTransaction {

    void write(Connection connection) throws SQLException;
}
