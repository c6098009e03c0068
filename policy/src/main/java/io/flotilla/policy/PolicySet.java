package io.flotilla.policy;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing a set of files: the policies that are valid, every error found, and every warning.
 * A set with errors should be rejected as a whole; its valid policies are there for tools that show what they
 * can. Warnings never make a set invalid.
 */
public record PolicySet(List<FleetPolicy> policies, List<PolicyError> errors, List<PolicyError> warnings) {
    public PolicySet {
        policies = List.copyOf(policies);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public PolicySet(List<FleetPolicy> policies, List<PolicyError> errors) {
        this(policies, errors, List.of());
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

    /** One warning a line, in file order. */
    public String formatWarnings() {
        var sb = new StringBuilder();
        warnings.forEach(w -> sb.append(w.formatWarning()).append('\n'));
        return sb.toString();
    }
}
