package io.flotilla.controlplane.policy;

import static io.flotilla.controlplane.ApiFixtures.assertStoresDecisionOfSeveralMegabytes;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
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

}
