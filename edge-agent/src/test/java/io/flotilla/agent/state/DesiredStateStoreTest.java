package io.flotilla.agent.state;

import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredStateStoreTest {

    @TempDir
    Path dir;

    @Test
    void desiredStateAndAppliedGenerationSurviveARestart() throws IOException {
        DesiredStateStore store = DesiredStateStore.open(dir);
        store.storeIfNewer(desired(7, workload("chat")));
        store.markApplied(7);

        DesiredStateStore reopened = DesiredStateStore.open(dir);

        assertThat(reopened.desired()).contains(desired(7, workload("chat")));
        assertThat(reopened.appliedGeneration()).isEqualTo(7);
        assertThat(reopened.storedGeneration()).isEqualTo(7);
    }

    @Test
    void emptyDirectoryMeansNothingStoredAndNothingApplied() throws IOException {
        DesiredStateStore store = DesiredStateStore.open(dir.resolve("new"));

        assertThat(store.desired()).isEmpty();
        assertThat(store.appliedGeneration()).isZero();
    }

    @Test
    void olderOrEqualGenerationIsNotStored() throws IOException {
        DesiredStateStore store = DesiredStateStore.open(dir);
        assertThat(store.storeIfNewer(desired(5, workload("a")))).isTrue();

        assertThat(store.storeIfNewer(desired(5, workload("b")))).isFalse();
        assertThat(store.storeIfNewer(desired(4, workload("c")))).isFalse();

        assertThat(DesiredStateStore.open(dir).desired().orElseThrow().getWorkloads(0).getName()).isEqualTo("a");
    }

    @Test
    void writesLeaveNoTemporaryFilesBehind() throws IOException {
        DesiredStateStore store = DesiredStateStore.open(dir);
        for (long g = 1; g <= 5; g++) {
            store.storeIfNewer(desired(g, workload("chat")));
            store.markApplied(g);
        }

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(DesiredStateStore.DESIRED_FILE, DesiredStateStore.APPLIED_FILE);
        }
    }

    @Test
    void corruptStateFileIsReportedWithItsPath() throws IOException {
        Files.write(dir.resolve(DesiredStateStore.DESIRED_FILE), new byte[] {(byte) 0xff, (byte) 0xff, 0x01});

        assertThatThrownBy(() -> DesiredStateStore.open(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(DesiredStateStore.DESIRED_FILE).hasMessageContaining("corrupt");
    }
}
