package io.flotilla.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The decision of a policy placed on a fleet of 10,000+ clusters is over a megabyte and must fit. */
@QuarkusTest
class PlacementDecisionStorageTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aPlacementDecisionOfSeveralMegabytesIsStored() throws SQLException {
        assertStoresDecisionOfSeveralMegabytes(dataSource);
    }

    static void assertStoresDecisionOfSeveralMegabytes(AgroalDataSource dataSource) throws SQLException {
        String decision = "{\"chosen\":[" + "{\"cluster\":\"sim-frankfurt-1\",\"replicas\":1},".repeat(60_000) + "{}]}";
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into policy_placement (policy_name, revision, decision_json, placed_at) values (?, 1, ?, ?)")) {
                insert.setString(1, "large-fleet");
                insert.setString(2, decision);
                insert.setTimestamp(3, Timestamp.from(Instant.parse("2026-01-01T00:00:00Z")));
                insert.executeUpdate();
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select decision_json from policy_placement where policy_name = 'large-fleet'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(decision.length()).isEqualTo(decision);
            }
            c.createStatement().executeUpdate("delete from policy_placement where policy_name = 'large-fleet'");
        }
    }
}
