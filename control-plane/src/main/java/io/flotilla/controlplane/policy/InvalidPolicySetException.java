package io.flotilla.controlplane.policy;

import io.flotilla.policy.PolicyError;
import java.util.List;

/** A policy set that does not validate; carries every error, located by file, line and column. */
public class InvalidPolicySetException extends RuntimeException {

    private final List<PolicyError> errors;

    public InvalidPolicySetException(List<PolicyError> errors) {
        super("policy set is invalid");
        this.errors = List.copyOf(errors);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
