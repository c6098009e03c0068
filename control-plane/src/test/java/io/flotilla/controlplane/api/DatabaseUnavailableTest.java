package io.flotilla.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {

    @Test
    void connectionFailuresAnywhereInTheCausesCount() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
        assertThat(DatabaseUnavailable.in(new PersistenceException("could not prepare", new RuntimeException(refused))))
                .contains(refused);
        SQLException shutdown = new SQLException("terminating connection due to administrator command", "57P01");
        assertThat(DatabaseUnavailable.in(new IllegalStateException(shutdown))).contains(shutdown);
        SQLException starting = new SQLException("the database system is starting up", "57P03");
        assertThat(DatabaseUnavailable.in(starting)).contains(starting);
        SQLException timeout = new SQLTransientConnectionException("Acquisition timeout while waiting for new connection");
        assertThat(DatabaseUnavailable.in(new PersistenceException(timeout))).contains(timeout);
    }

    @Test
    void otherDatabaseErrorsAndOtherFailuresDoNot() {
        assertThat(DatabaseUnavailable.in(new PersistenceException(new SQLException("duplicate key", "23505")))).isEmpty();
        assertThat(DatabaseUnavailable.in(new SQLException("syntax error", "42601"))).isEmpty();
        assertThat(DatabaseUnavailable.in(new SQLException("no state"))).isEmpty();
        assertThat(DatabaseUnavailable.in(new IllegalStateException("a bug"))).isEmpty();
        RuntimeException loop = new RuntimeException();
        RuntimeException other = new RuntimeException(loop);
        loop.initCause(other);
        assertThat(DatabaseUnavailable.in(loop)).as("a cycle of causes ends").isEmpty();
    }
}
