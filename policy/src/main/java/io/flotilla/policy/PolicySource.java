package io.flotilla.policy;

import java.util.Objects;

/** The text of one policy file (YAML, or JSON, which is YAML too) and the name its errors carry. */
public record PolicySource(String name, String text) {
    public PolicySource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }
}
