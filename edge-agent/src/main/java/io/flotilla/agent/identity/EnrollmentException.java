package io.flotilla.agent.identity;

/**
 * An enrollment exchange that did not produce an identity. {@link #retryable()} tells a refusal (the
 * token is unknown, expired, spent, revoked or for another cluster; the request or answer is malformed:
 * trying again changes nothing) from a control plane that could not be reached or answered 5xx.
 */
public final class EnrollmentException extends Exception {

    private final int status;
    private final boolean retryable;

    EnrollmentException(String message, int status, boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    /** The HTTP status the control plane answered, 0 when it gave no answer. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }
}
