package io.flotilla.fleetctl;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A command test against a fresh {@link FakeApi}, run from an empty working directory. */
abstract class FakeApiTest {

    @TempDir
    Path cwd;
    FakeApi api;

    @BeforeEach
    void startFakeApi() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stopFakeApi() {
        api.close();
    }
}
