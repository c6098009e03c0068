package io.flotilla.policy;

import java.util.Map;
import java.util.Objects;

/** The policy's name (a DNS-1123 label, unique in a set) and free-form labels. */
public record PolicyMetadata(String name, Map<String, String> labels) {
    public PolicyMetadata {
        Objects.requireNonNull(name, "name");
        labels = Collections2.sortedCopy(labels);
    }

    public static PolicyMetadata named(String name) {
        return new PolicyMetadata(name, Collections2.sortedCopy(Map.of()));
    }
}
