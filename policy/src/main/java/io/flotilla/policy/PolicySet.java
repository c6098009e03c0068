package io.flotilla.policy;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing a set of files: the policies that are valid, every error found, and every warning.
 * A set with errors should be rejected as a whole; its valid policies are there for tools that show what they
 * can. Warnings never make a set invalid.
 */
public record PolicySet(List<FleetPolicy> policies, List<PolicyError> errors, List<PolicyError> warnings) {

    /*
     * Why a file, a directory or a request body that holds no policy at all is refused, as kubectl apply refuses
     * one with no objects: applying it would silently do nothing, which is never what was meant.
     */
    public static final String NO_POLICY_IN_FILE = "no policy in this file (it is empty, or holds only comments or '---')";
    public static final String NO_POLICY_IN_DIRECTORY =
            "no policy in this directory (its policy files are empty, or hold only comments or '---')";
    public static final String NO_POLICY_IN_BODY = "no policy in the request body (it is empty, or holds only comments or '---')";

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

    /**
     * This set, or, when it has no error and yet no policy, the set with the one error {@code where:1:1: message}
     * (one of the {@code NO_POLICY_IN_...} messages).
     */
    public PolicySet requiringAPolicy(String where, String message) {
        if (!isValid() || !policies.isEmpty()) {
            return this;
        }
        return new PolicySet(policies, List.of(new PolicyError(where, 1, 1, "", message)), warnings);
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
