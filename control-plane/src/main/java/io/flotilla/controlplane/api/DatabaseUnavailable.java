package io.flotilla.controlplane.api;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises a failure that means the database cannot be reached (rather than a bad statement or a bug), anywhere
 * in an exception's causes: SQLState class 08 (connection exception), PostgreSQL's 57P01 to 57P03 (the server is
 * shutting down, crashed or is starting), or the JDBC connection exception types.
 */
final class DatabaseUnavailable {

    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");
    private static final int MAX_DEPTH = 32;

    private DatabaseUnavailable() {
    }

    /** The SQL error that says the database is unreachable, if that is what {@code failure} comes down to. */
    static Optional<SQLException> in(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof SQLException sql && isConnectionFailure(sql)) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || state != null && (state.startsWith("08") || SERVER_GOING_AWAY.contains(state));
    }
}
