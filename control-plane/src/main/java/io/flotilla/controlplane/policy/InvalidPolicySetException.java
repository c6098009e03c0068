package io.flotilla.controlplane.policy;

import io.flotilla.policy.PolicyError;
import io.flotilla.policy.PolicySet;
import java.util.List;

/** A policy set that does not validate; carries every error, located by file, line and column. */
public class InvalidPolicySetException extends RuntimeException {

    private final List<PolicyError> errors;

    public InvalidPolicySetException(List<PolicyError> errors) {
        super(holdsNoPolicy(errors) ? "nothing to apply: no policy in the request body" : "policy set is invalid");
        this.errors = List.copyOf(errors);
    }

    private static boolean holdsNoPolicy(List<PolicyError> errors) {
        return errors.size() == 1 && errors.getFirst().message().equals(PolicySet.NO_POLICY_IN_BODY);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
