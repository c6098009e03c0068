package io.flotilla.controlplane.support;

/** A request the fleet cannot honour, with the HTTP-neutral kind of failure. */
public class FleetException extends RuntimeException {

    public enum Kind { NOT_FOUND, CONFLICT, INVALID }

    private final Kind kind;

    public FleetException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static FleetException unknownCluster(String id) {
        return new FleetException(Kind.NOT_FOUND, "cluster '" + id + "' is not registered");
    }
}
