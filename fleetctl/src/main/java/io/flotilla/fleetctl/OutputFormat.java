package io.flotilla.fleetctl;

import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code -o} option. Most commands print {@link #TABULAR}; {@code enroll} prints the parts of its install
 * snippet instead, so each command says which formats it takes (see {@link BaseCommand#outputFormats()}).
 */
public enum OutputFormat {
    table, script, manifest, k0s, command, json, yaml;

    static final Set<OutputFormat> TABULAR = EnumSet.of(table, json, yaml);
}
