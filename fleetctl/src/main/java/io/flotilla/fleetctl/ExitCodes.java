package io.flotilla.fleetctl;

/** fleetctl's exit codes; 2 is picocli's own for usage errors. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Invalid policy files, or the server rejected the request (4xx), or the answer is "none" (no route). */
    public static final int REJECTED = 1;
    public static final int USAGE = 2;
    /** The server could not be reached, did not answer in time, or failed (5xx). */
    public static final int UNAVAILABLE = 3;

    private ExitCodes() {
    }
}
