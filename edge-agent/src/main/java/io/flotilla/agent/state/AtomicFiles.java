package io.flotilla.agent.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;

/** Files of the agent's state directory, replaced whole: never half written, not even after a power cut. */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to a temporary file in {@code dir} (created with {@code attributes}, e.g. owner-only
     * permissions), forces it to disk, then moves it over {@code dir/name}.
     */
    public static void write(Path dir, String name, byte[] content, FileAttribute<?>... attributes) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp", attributes);
        try {
            // fsync before the move: after a power cut the new name must not point at empty data
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("state directory " + dir + " does not support atomic moves", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
