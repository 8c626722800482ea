package org.glean.persistence;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells a database outage (PostgreSQL stopped, restarting, unreachable, or the pool unable to
 * hand out a connection in time) from every other failure, wherever it surfaces: the one place
 * that decides, so that the gRPC and DICOM fronts answer "unavailable, send again" for it rather
 * than a server failure. Recognised anywhere in an exception's causes, so that JDBC's own
 * exceptions count as well as Hibernate's and Agroal's wrappings of them.
 */
public final class DatabaseOutage {

    /** What a caller is told while the database is out: plain words, with what to do. */
    public static final String ADVICE = "Glean's database cannot be reached just now; send again in a few seconds "
            + "(anything already acknowledged is kept, and sending again is safe)";

    // SQLSTATE class 08 (connection exception) is matched as a class; these are the others that
    // mean "the server went or is going away": admin_shutdown, crash_shutdown, cannot_connect_now.
    private static final Set<String> OUTAGE_STATES = Set.of("57P01", "57P02", "57P03");

    // Agroal's acquisition timeouts carry no SQLSTATE; their messages are all that tells them apart.
    private static final String[] POOL_TIMEOUTS = {"Sorry, acquisition timeout!", "Acquisition timeout"};

    private DatabaseOutage() {
    }

    /** Whether {@code failure}, or any of its causes, says that the database is out of reach. */
    public static boolean isCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && isOutage(sql)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOutage(SQLException e) {
        String state = e.getSQLState();
        if (state != null) {
            return state.startsWith("08") || OUTAGE_STATES.contains(state);
        }
        String message = e.getMessage();
        if (message == null) {
            return false;
        }
        for (String timeout : POOL_TIMEOUTS) {
            if (message.startsWith(timeout)) {
                return true;
            }
        }
        return false;
    }
}
