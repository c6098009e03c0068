package io.flotilla.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * A place requests come from: a named site (see {@link Sites}) or a latitude and longitude, with a relative
 * weight. Exactly one of {@code site} and {@code lat}/{@code lon} is set.
 */
public record DemandPoint(Optional<String> site, Optional<Double> lat, Optional<Double> lon, double weight) {
    public DemandPoint {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(lat, "lat");
        Objects.requireNonNull(lon, "lon");
    }

    public static DemandPoint atSite(String site, double weight) {
        return new DemandPoint(Optional.of(site), Optional.empty(), Optional.empty(), weight);
    }

    public static DemandPoint at(double lat, double lon, double weight) {
        return new DemandPoint(Optional.empty(), Optional.of(lat), Optional.of(lon), weight);
    }

    /** The coordinates, looking a named site up in {@code sites}. */
    public Optional<GeoPoint> location(Sites sites) {
        if (site.isPresent()) {
            return sites.find(site.get()).map(Site::location);
        }
        return lat.isPresent() && lon.isPresent() ? Optional.of(new GeoPoint(lat.get(), lon.get())) : Optional.empty();
    }
}
