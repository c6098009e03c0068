package io.flotilla.policy;

import java.util.List;
import java.util.Set;

/**
 * The jurisdictions some data may reach, with groups already expanded to countries. A country admits its
 * subdivisions ({@code IN} admits a cluster in {@code IN-MH}); a subdivision admits only itself ({@code IN-MH}
 * admits neither {@code IN-KA} nor plain {@code IN}). Built by {@link JurisdictionCatalog#allowed}.
 * Equal when the same places are admitted, whatever the names used.
 */
public final class AllowedJurisdictions {

    private final List<String> declared;
    private final Set<String> countries;
    private final Set<String> subdivisions;
    /** Kept: routers look their per-jurisdiction caches up by this on every request. */
    private final int hash;

    AllowedJurisdictions(List<String> declared, Set<String> countries, Set<String> subdivisions) {
        this.declared = List.copyOf(declared);
        this.countries = Set.copyOf(countries);
        this.subdivisions = Set.copyOf(subdivisions);
        this.hash = this.countries.hashCode() * 31 + this.subdivisions.hashCode();
    }

    /** Whether a cluster whose jurisdiction is {@code clusterJurisdiction} (a country or a subdivision) may receive the data. */
    public boolean allows(String clusterJurisdiction) {
        if (clusterJurisdiction == null) {
            return false;
        }
        int dash = clusterJurisdiction.indexOf('-');
        if (dash < 0) {
            return countries.contains(clusterJurisdiction);
        }
        return countries.contains(clusterJurisdiction.substring(0, dash)) || subdivisions.contains(clusterJurisdiction);
    }

    /**
     * Whether every place this admits is admitted by {@code wider} as well: a request that names these jurisdictions
     * only narrows a tenant whose jurisdictions are {@code wider}. A country is within {@code wider} only where
     * {@code wider} names the country itself (the whole country, not some of its subdivisions); a subdivision is
     * within where {@code wider} names it or its country.
     */
    public boolean within(AllowedJurisdictions wider) {
        return wider.countries.containsAll(countries) && subdivisions.stream().allMatch(wider::allows);
    }

    /** The names as written, for example {@code [EU, IN-MH]}. */
    public List<String> declared() {
        return declared;
    }

    public Set<String> countries() {
        return countries;
    }

    public Set<String> subdivisions() {
        return subdivisions;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof AllowedJurisdictions a && a.hash == hash && a.countries.equals(countries)
                && a.subdivisions.equals(subdivisions);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return declared.toString();
    }
}
