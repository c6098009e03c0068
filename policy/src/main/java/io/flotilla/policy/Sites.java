package io.flotilla.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Named sites with coordinates, so that policies (demand) and route queries may say "mumbai" instead of 19.08,72.88. */
public final class Sites {

    private static final String RESOURCE = "/io/flotilla/policy/sites.csv";
    private final SortedMap<String, Site> byName;

    public Sites(Collection<Site> sites) {
        var map = new TreeMap<String, Site>();
        for (Site s : sites) {
            if (map.put(s.name(), s) != null) {
                throw new IllegalArgumentException("duplicate site " + s.name());
            }
        }
        this.byName = Collections.unmodifiableSortedMap(map);
    }

    private static final class BuiltIn {
        static final Sites INSTANCE = load();

        private static Sites load() {
            try (InputStream in = Sites.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                return fromCsv(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The 70 metropolitan areas shipped with Flotilla. */
    public static Sites builtIn() {
        return BuiltIn.INSTANCE;
    }

    /** Reads {@code site,country,subdivision,lat,lon} with a header line. */
    public static Sites fromCsv(String csv) {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).trim().equals("site,country,subdivision,lat,lon")) {
            throw new IllegalArgumentException("expected the header site,country,subdivision,lat,lon");
        }
        return new Sites(lines.stream().skip(1).map(line -> {
            String[] f = line.trim().split(",", -1);
            if (f.length != 5) {
                throw new IllegalArgumentException("expected 5 fields: " + line);
            }
            return new Site(f[0], f[1], f[2], new GeoPoint(Double.parseDouble(f[3]), Double.parseDouble(f[4])));
        }).toList());
    }

    public Optional<Site> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Site> all() {
        return byName.values();
    }

    public Collection<String> names() {
        return byName.keySet();
    }
}
