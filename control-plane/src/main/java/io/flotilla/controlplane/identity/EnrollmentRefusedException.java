package io.flotilla.controlplane.identity;

/** A bootstrap token that cannot be exchanged: unknown, for another cluster, expired, already used or revoked. */
public class EnrollmentRefusedException extends RuntimeException {

    public EnrollmentRefusedException(String message) {
        super(message);
    }
}
