package io.flotilla.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The jurisdictions a policy or a request may name: ISO 3166-1 alpha-2 countries, subdivisions of them
 * ({@code IN-MH}) and named groups of countries ({@code EU}, {@code FIVE_EYES}) defined as data.
 */
public final class JurisdictionCatalog {

    private static final String RESOURCE = "/io/flotilla/policy/jurisdictions.yaml";
    private static final Pattern SUBDIVISION = Pattern.compile("([A-Z]{2})-[A-Z0-9]{1,3}");
    private static final Set<String> COUNTRIES =
            Collections.unmodifiableSet(new TreeSet<>(Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2)));

    private final SortedMap<String, Set<String>> groups;

    public JurisdictionCatalog(Map<String, ? extends Iterable<String>> groups) {
        var copy = new TreeMap<String, Set<String>>();
        groups.forEach((name, members) -> {
            var set = new TreeSet<String>();
            for (String m : members) {
                if (!COUNTRIES.contains(m)) {
                    throw new IllegalArgumentException("group " + name + ": " + m + " is not an ISO 3166-1 alpha-2 country code");
                }
                set.add(m);
            }
            if (COUNTRIES.contains(name) || SUBDIVISION.matcher(name).matches()) {
                throw new IllegalArgumentException("group name " + name + " is also a country or subdivision code");
            }
            copy.put(name, Collections.unmodifiableSet(set));
        });
        this.groups = Collections.unmodifiableSortedMap(copy);
    }

    private static final class BuiltIn {
        static final JurisdictionCatalog INSTANCE = load();

        private static JurisdictionCatalog load() {
            try (InputStream in = JurisdictionCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                return fromYaml(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The groups shipped with Flotilla (EU, EEA, FIVE_EYES, GCC). */
    public static JurisdictionCatalog builtIn() {
        return BuiltIn.INSTANCE;
    }

    /** Reads {@code groups: {NAME: [CC, ...]}}; throws IllegalArgumentException on malformed data. */
    @SuppressWarnings("unchecked")
    public static JurisdictionCatalog fromYaml(String yaml) {
        Object root = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build()).loadFromString(yaml);
        if (!(root instanceof Map<?, ?> map) || !(map.get("groups") instanceof Map<?, ?> groups)) {
            throw new IllegalArgumentException("expected a mapping 'groups: {NAME: [country codes]}'");
        }
        var result = new TreeMap<String, List<String>>();
        groups.forEach((k, v) -> {
            if (!(v instanceof List<?> list)) {
                throw new IllegalArgumentException("group " + k + " is not a list");
            }
            result.put(String.valueOf(k), ((List<Object>) list).stream().map(String::valueOf).toList());
        });
        return new JurisdictionCatalog(result);
    }

    public Set<String> groupNames() {
        return groups.keySet();
    }

    public Optional<Set<String>> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    public static boolean isCountry(String code) {
        return COUNTRIES.contains(code);
    }

    /** Why {@code code} names no jurisdiction, with a hint; empty when it is a country, a subdivision of one or a group. */
    public Optional<String> problem(String code) {
        if (groups.containsKey(code) || COUNTRIES.contains(code)) {
            return Optional.empty();
        }
        var m = SUBDIVISION.matcher(code);
        if (m.matches()) {
            return COUNTRIES.contains(m.group(1))
                    ? Optional.empty()
                    : Optional.of("unknown jurisdiction '" + code + "': " + m.group(1) + " is not an ISO 3166-1 alpha-2 country code");
        }
        var candidates = new ArrayList<String>(groups.keySet());
        candidates.addAll(COUNTRIES);
        String hint = Suggestions.closest(code, candidates)
                .filter(s -> s.equalsIgnoreCase(code) || groups.containsKey(s))
                .map(s -> ", did you mean '" + s + "'?")
                .orElse(" (expected a country code such as DE, a subdivision such as IN-MH, or a group: "
                        + String.join(", ", groups.keySet()) + ")");
        return Optional.of("unknown jurisdiction '" + code + "'" + hint);
    }

    /** The places {@code codes} admit; throws IllegalArgumentException when one of them is unknown. */
    public AllowedJurisdictions allowed(List<String> codes) {
        var countries = new LinkedHashSet<String>();
        var subdivisions = new LinkedHashSet<String>();
        for (String code : codes) {
            problem(code).ifPresent(p -> {
                throw new IllegalArgumentException(p);
            });
            if (groups.containsKey(code)) {
                countries.addAll(groups.get(code));
            } else if (COUNTRIES.contains(code)) {
                countries.add(code);
            } else {
                subdivisions.add(code);
            }
        }
        return new AllowedJurisdictions(codes, countries, subdivisions);
    }

    public AllowedJurisdictions allowed(String... codes) {
        return allowed(Arrays.asList(codes));
    }
}
