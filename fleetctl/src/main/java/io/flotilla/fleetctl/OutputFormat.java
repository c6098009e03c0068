package io.flotilla.fleetctl;

/** The {@code -o} option. */
public enum OutputFormat {
    table, json, yaml
}
