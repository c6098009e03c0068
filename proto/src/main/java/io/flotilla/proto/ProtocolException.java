package io.flotilla.proto;

/**
 * A payload that Flotilla refuses. Checked, so that every receiver decides what to do with a bad
 * message (drop, count, log) instead of letting it escape as a runtime failure.
 */
public final class ProtocolException extends Exception {

    /** Why a payload was refused; used as a metric tag, so the set stays small. */
    public enum Reason {
        OVERSIZED, MALFORMED, UNSUPPORTED_VERSION, UNSIGNED, UNKNOWN_KEY, BAD_SIGNATURE, WRONG_CLUSTER, WRONG_TYPE
    }

    private final Reason reason;

    public ProtocolException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ProtocolException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
