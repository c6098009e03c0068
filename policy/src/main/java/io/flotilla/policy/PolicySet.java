package io.flotilla.policy;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing a set of files: the policies that are valid, and every error found. A set with
 * errors should be rejected as a whole; its valid policies are there for tools that show what they can.
 */
public record PolicySet(List<FleetPolicy> policies, List<PolicyError> errors) {
    public PolicySet {
        policies = List.copyOf(policies);
        errors = List.copyOf(errors);
    }

    public boolean isValid() {
        return errors.isEmpty();
    }

    public Optional<FleetPolicy> policy(String name) {
        return policies.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** One error a line, in file order. */
    public String formatErrors() {
        var sb = new StringBuilder();
        errors.forEach(e -> sb.append(e.format()).append('\n'));
        return sb.toString();
    }
}
