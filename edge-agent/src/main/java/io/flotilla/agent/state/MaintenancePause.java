package io.flotilla.agent.state;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The on-site maintenance switch: while a file named {@code PAUSE} exists in the state
 * directory the agent changes nothing in the cluster. {@code touch PAUSE} needs no tool, no
 * network and no credentials, which is what a technician at a device has.
 */
public final class MaintenancePause {

    public static final String FILE_NAME = "PAUSE";

    private final Path file;

    public MaintenancePause(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public boolean isPaused() {
        return Files.exists(file);
    }

    public Path file() {
        return file;
    }
}
