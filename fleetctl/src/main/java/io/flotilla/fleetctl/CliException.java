package io.flotilla.fleetctl;

import java.util.List;

/**
 * A failure that ends the command with a message on stderr and a given exit code (see {@link ExitCodes}).
 * Never carries a stack trace to the user.
 */
public final class CliException extends RuntimeException {

    private final int exitCode;
    private final List<String> details;

    public CliException(int exitCode, String message) {
        this(exitCode, message, List.of());
    }

    public CliException(int exitCode, String message, List<String> details) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.details = List.copyOf(details);
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> details() {
        return details;
    }
}
