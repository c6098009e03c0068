package io.flotilla.agent.state;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.proto.v1.DesiredState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The agent's memory across restarts: the last verified desired state and the generation that
 * was applied to the cluster. Every write goes to a temporary file in the same directory and is
 * then atomically moved over the old one, so a crash leaves either the old or the new file, never
 * half of one. Thread-safe.
 *
 * <p>The stored generation can be newer than the applied one: the state is persisted before it is
 * applied (and while the agent is paused it is held here without being applied).
 */
public final class DesiredStateStore {

    static final String DESIRED_FILE = "desired-state.pb";
    static final String APPLIED_FILE = "applied-generation";

    private final Path dir;
    private DesiredState desired;
    private long appliedGeneration;

    private DesiredStateStore(Path dir, DesiredState desired, long appliedGeneration) {
        this.dir = dir;
        this.desired = desired;
        this.appliedGeneration = appliedGeneration;
    }

    /** Opens (creating if needed) the store in {@code dir} and loads what an earlier run left there. */
    public static DesiredStateStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        DesiredState desired = null;
        Path desiredFile = dir.resolve(DESIRED_FILE);
        if (Files.exists(desiredFile)) {
            try {
                desired = DesiredState.parseFrom(Files.readAllBytes(desiredFile));
            } catch (InvalidProtocolBufferException e) {
                throw new IOException("stored desired state " + desiredFile + " is corrupt: " + e.getMessage(), e);
            }
        }
        long applied = 0;
        Path appliedFile = dir.resolve(APPLIED_FILE);
        if (Files.exists(appliedFile)) {
            String text = Files.readString(appliedFile, StandardCharsets.UTF_8).strip();
            try {
                applied = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("applied generation in " + appliedFile + " is not a number: '" + text + "'", e);
            }
        }
        return new DesiredStateStore(dir, desired, applied);
    }

    public synchronized Optional<DesiredState> desired() {
        return Optional.ofNullable(desired);
    }

    /** Generation of the stored desired state, 0 when nothing is stored. */
    public synchronized long storedGeneration() {
        return desired == null ? 0 : desired.getGeneration();
    }

    public synchronized long appliedGeneration() {
        return appliedGeneration;
    }

    /**
     * Stores {@code state} if it is newer than what is stored.
     *
     * @return false when the state is stale or a duplicate, and nothing was written
     */
    public synchronized boolean storeIfNewer(DesiredState state) {
        if (state.getGeneration() <= storedGeneration()) {
            return false;
        }
        writeAtomically(DESIRED_FILE, state.toByteArray());
        desired = state;
        return true;
    }

    /** Records that {@code generation} has been applied to the cluster. */
    public synchronized void markApplied(long generation) {
        if (generation == appliedGeneration) {
            return;
        }
        writeAtomically(APPLIED_FILE, (generation + "\n").getBytes(StandardCharsets.UTF_8));
        appliedGeneration = generation;
    }

    public Path directory() {
        return dir;
    }

    private void writeAtomically(String name, byte[] content) {
        try {
            AtomicFiles.write(dir, name, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }
}
