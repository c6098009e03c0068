package io.flotilla.controlplane.api;

import io.flotilla.controlplane.fleet.ClusterFilter;
import io.flotilla.controlplane.fleet.ClusterHealth;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.policy.schema.PolicySchema;
import io.flotilla.proto.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The query of {@code GET /api/v1/clusters}, checked: {@code limit} (1 to {@value #MAX_LIMIT}; none: every cluster),
 * {@code continue} (the token of the previous page, with the same limit and filters), {@code jurisdiction},
 * {@code health} and {@code label=key=value} (repeatable: every label must match).
 */
record ClusterListing(OptionalInt limit, Optional<String> after, ClusterFilter filter) {

    static final int MAX_LIMIT = 1000;
    /** ISO 3166 country or subdivision code, as clusters are registered with. */
    static final String JURISDICTION = "[A-Z]{2}(-[A-Z0-9]{1,3})?";
    private static final String TOKEN_PREFIX = "after:";

    static ClusterListing parse(String limit, String continueToken, String jurisdiction, String health, List<String> labels) {
        OptionalInt size = OptionalInt.empty();
        if (limit != null) {
            int n = 0;
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                // answered below
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw invalid("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + shown(limit) + "'");
            }
            size = OptionalInt.of(n);
        }
        Optional<String> after = Optional.empty();
        if (continueToken != null) {
            if (size.isEmpty()) {
                throw invalid("continue needs limit: send the limit and filters of the request that gave the token");
            }
            after = Optional.of(afterId(continueToken));
        }
        if (jurisdiction != null && !jurisdiction.matches(JURISDICTION)) {
            throw invalid("jurisdiction must be an ISO 3166 code such as DE or IN-MH, got '" + shown(jurisdiction) + "'");
        }
        return new ClusterListing(size, after, new ClusterFilter(Optional.ofNullable(jurisdiction),
                Optional.ofNullable(health).map(ClusterListing::health), labels(labels)));
    }

    /** The token that continues a listing after the cluster {@code lastId}: opaque to clients. */
    static String continueToken(String lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((TOKEN_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static String afterId(String token) {
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        if (!decoded.startsWith(TOKEN_PREFIX) || !Topics.isValidClusterId(decoded.substring(TOKEN_PREFIX.length()))) {
            throw invalid("continue must be the token of a previous page (its X-Continue header or Link), got '"
                    + shown(token) + "'");
        }
        return decoded.substring(TOKEN_PREFIX.length());
    }

    private static ClusterHealth health(String name) {
        try {
            return ClusterHealth.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("health must be one of " + Arrays.stream(ClusterHealth.values()).map(Enum::name)
                    .collect(Collectors.joining(", ")) + ", got '" + shown(name) + "'");
        }
    }

    private static Map<String, String> labels(List<String> selectors) {
        Map<String, String> labels = new HashMap<>();
        for (String selector : selectors == null ? List.<String>of() : selectors) {
            int eq = selector.indexOf('=');
            String key = eq < 0 ? selector : selector.substring(0, eq);
            String value = eq < 0 ? "" : selector.substring(eq + 1);
            if (eq < 0 || key.length() > PolicySchema.LABEL_KEY_MAX || !key.matches(PolicySchema.LABEL_KEY_REGEX)
                    || value.length() > PolicySchema.LABEL_VALUE_MAX || !value.matches(PolicySchema.LABEL_VALUE_REGEX)) {
                throw invalid("label must be key=value with a Kubernetes label key and value, such as tier=edge, got '"
                        + shown(selector) + "'");
            }
            String before = labels.putIfAbsent(key, value);
            if (before != null && !before.equals(value)) {
                throw invalid("label " + key + " is given twice, as " + before + " and " + value + ": no cluster has both");
            }
        }
        return labels;
    }

    private static FleetException invalid(String message) {
        return new FleetException(FleetException.Kind.INVALID, message);
    }

    /** At most 64 characters of what the caller sent, for an error message. */
    private static String shown(String sent) {
        return sent.length() <= 64 ? sent : sent.substring(0, 64) + "...";
    }
}
