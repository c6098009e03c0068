package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.routing.OpenAiErrors.Rejection;
import io.flotilla.placement.SovereigntyGuard;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a {@code /v1} request may be routed, and where to: its API key and the key's limits, its body, the
 * jurisdictions it may reach (its tenant's, or narrower ones from {@value #JURISDICTION_HEADER}) and where its client
 * is. Gives a {@link RouteQuery} or the OpenAI-shaped {@link Rejection} to answer instead. No I/O: the gateway reads
 * the request and answers it.
 */
final class RequestAdmission {

    static final String JURISDICTION_HEADER = "X-Flotilla-Jurisdiction";
    static final String LOCATION_HEADER = "X-Flotilla-Client-Location";

    /** A tenant: its name, and the jurisdictions its requests may reach (empty: the serving policy's own). */
    record Tenant(String name, Optional<AllowedJurisdictions> jurisdictions) {
    }

    /** One API key: whose it is, and its limits (a bucket of its own, even where its tenant has several keys). */
    record Key(Tenant tenant, KeyLimits limits) {
    }

    /** What a step decided: the value to go on with, or the rejection to answer. */
    record Verdict<T>(T value, Rejection rejection) {

        static <T> Verdict<T> admit(T value) {
            return new Verdict<>(value, null);
        }

        static <T> Verdict<T> refuse(Rejection rejection) {
            return new Verdict<>(null, rejection);
        }

        boolean refused() {
            return rejection != null;
        }
    }

    /**
     * Who asks. While {@code held} is set the request holds one of its key's in-flight places: {@link #release()} it
     * when the request ends, however it ends.
     *
     * @param tenant null for keyless clients
     */
    record Caller(Tenant tenant, KeyLimits held) {

        boolean holdsPlace() {
            return held != null;
        }

        void release() {
            if (held != null) {
                held.release();
            }
        }
    }

    /**
     * A request to route.
     *
     * @param allowed the jurisdictions its data may reach; null: the serving policy's own
     */
    record Admitted(RouteQuery query, AllowedJurisdictions allowed, ClientLocation location, long affinityKey) {

        /** The jurisdictions the request is bound to, for route reasons. */
        String jurisdictions() {
            return allowed == null ? "the policy's jurisdictions" : allowed.toString();
        }
    }

    private final RouterAccess.Mode access;
    private final Map<String, Key> keys;
    private final KeyLimits keylessLimits;
    private final JurisdictionCatalog catalog;
    private final Sites sites;
    private final ClientNetworks networks;
    private final Optional<ClientLocation> defaultLocation;
    private final int queryLimit;
    private final int prefixChars;

    /**
     * @param queryLimit how many candidates a route query asks for (at least as many as the router may try)
     * @param prefixChars how much of the prompt's start the prefix affinity key covers
     */
    RequestAdmission(RouterAccess.Mode access, Map<String, Key> keys, KeyLimits keylessLimits, JurisdictionCatalog catalog,
            Sites sites, ClientNetworks networks, Optional<ClientLocation> defaultLocation, int queryLimit, int prefixChars) {
        this.access = access;
        this.keys = Map.copyOf(keys);
        this.keylessLimits = keylessLimits;
        this.catalog = catalog;
        this.sites = sites;
        this.networks = networks;
        this.defaultLocation = defaultLocation;
        this.queryLimit = queryLimit;
        this.prefixChars = prefixChars;
    }

    /**
     * Admission as configured: tenants and their keys, limits, client networks and the default location.
     *
     * @param boundHost the address of the server that carries /v1: keyless use is for loopback only
     * @throws IllegalArgumentException naming the property that is wrong
     */
    static RequestAdmission fromConfig(RouterConfig config, JurisdictionCatalog catalog, Sites sites, String boundHost) {
        ClientNetworks networks = ClientNetworks.parse(config.clientNetworks().orElse(List.of()), sites);
        Optional<ClientLocation> defaultLocation = config.defaultLocation().map(text -> {
            ClientLocation.Parsed p = ClientLocation.parse(text, sites, "default");
            if (p.problem() != null) {
                throw new IllegalArgumentException("flotilla.router.default-location: " + p.problem());
            }
            return p.location();
        });
        KeyLimits keylessLimits = limits(config, config.rateLimit(), "flotilla.router.rate-limit", "keyless clients");
        Map<String, Key> keys = new HashMap<>();
        config.tenants().forEach((name, t) -> {
            Optional<AllowedJurisdictions> allowed = t.jurisdictions().map(codes -> {
                codes.forEach(c -> catalog.problem(c).ifPresent(p -> {
                    throw new IllegalArgumentException("flotilla.router.tenants." + name + ".jurisdictions: " + p);
                }));
                return catalog.allowed(codes);
            });
            Tenant tenant = new Tenant(name, allowed);
            for (String key : t.apiKeys()) {
                KeyLimits limits = limits(config, t.rateLimit(), "flotilla.router.tenants." + name + ".rate-limit",
                        "this API key");
                if (keys.put(key, new Key(tenant, limits)) != null) {
                    throw new IllegalArgumentException("flotilla.router.tenants: an API key is given to two tenants ("
                            + name + " and another)");
                }
            }
        });
        return new RequestAdmission(RouterAccess.mode(!keys.isEmpty(), boundHost), keys, keylessLimits, catalog, sites,
                networks, defaultLocation, Math.max(RouteQuery.DEFAULT_LIMIT, config.maxAttempts()),
                config.affinity().prefixTokens() * PromptPrefix.CHARS_PER_TOKEN);
    }

    private static KeyLimits limits(RouterConfig config, RouterConfig.RateLimit own, String property, String subject) {
        try {
            return KeyLimits.resolve(own, config.rateLimit(), subject, System::nanoTime);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }

    RouterAccess.Mode access() {
        return access;
    }

    /**
     * Refuses a body that is not JSON. Checked before the key, which a cross-site form cannot carry: such a form
     * always ends here.
     */
    Optional<Rejection> contentType(String contentType) {
        return ProxyHeaders.isJson(contentType) ? Optional.empty()
                : Optional.of(OpenAiErrors.unsupportedMediaType(contentType));
    }

    /**
     * Who asks, from the Authorization header, and whether the key's limits let them in now. An admitted caller may
     * hold one of the key's in-flight places (see {@link Caller}).
     */
    Verdict<Caller> caller(String authorization) {
        Tenant tenant = null;
        KeyLimits limits;
        switch (access) {
            case REFUSE_ALL -> {
                return Verdict.refuse(OpenAiErrors.keysNotConfigured());
            }
            case KEYLESS_LOOPBACK -> limits = keylessLimits;
            default -> {
                Key key = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                        ? keys.get(authorization.substring(7).trim()) : null;
                if (key == null) {
                    return Verdict.refuse(OpenAiErrors.invalidApiKey(authorization != null));
                }
                tenant = key.tenant();
                limits = key.limits();
            }
        }
        if (limits.unlimited()) {
            return Verdict.admit(new Caller(tenant, null));
        }
        KeyLimits.Refusal refusal = limits.admit();
        if (refusal != null) {
            return Verdict.refuse(OpenAiErrors.limited(refusal));
        }
        return Verdict.admit(new Caller(tenant, limits));
    }

    /**
     * The route query for a request whose body has been read.
     *
     * @param jurisdictionHeader the {@value #JURISDICTION_HEADER} header, or null
     * @param locationHeader the {@value #LOCATION_HEADER} header, or null
     * @param clientAddress the client's IP address, or null when unknown
     */
    Verdict<Admitted> route(Caller caller, byte[] body, String jurisdictionHeader, String locationHeader,
            String clientAddress) {
        InferenceRequestBody request;
        try {
            request = InferenceRequestBody.read(body, prefixChars);
        } catch (InferenceRequestBody.Invalid e) {
            return Verdict.refuse(OpenAiErrors.invalidBody(e));
        }
        Verdict<AllowedJurisdictions> allowed = jurisdictions(caller.tenant(), jurisdictionHeader);
        if (allowed.refused()) {
            return Verdict.refuse(allowed.rejection());
        }
        Verdict<ClientLocation> location = location(locationHeader, clientAddress);
        if (location.refused()) {
            return Verdict.refuse(location.rejection());
        }
        return Verdict.admit(new Admitted(location.value().query(request.model(), allowed.value(), queryLimit),
                allowed.value(), location.value(), request.affinityKey()));
    }

    /**
     * The jurisdictions a request may reach: those of its header, which may only narrow its tenant's; else its
     * tenant's; else (a null value) the serving policy's own.
     */
    Verdict<AllowedJurisdictions> jurisdictions(Tenant tenant, String header) {
        Optional<AllowedJurisdictions> ceiling = tenant == null ? Optional.empty() : tenant.jurisdictions();
        if (header == null || header.isBlank()) {
            return Verdict.admit(ceiling.orElse(null));
        }
        List<String> codes = Arrays.stream(header.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> problems = new ArrayList<>();
        codes.forEach(c -> catalog.problem(c).ifPresent(problems::add));
        if (!problems.isEmpty() || codes.isEmpty()) {
            return Verdict.refuse(OpenAiErrors.invalidJurisdiction(JURISDICTION_HEADER, problems));
        }
        AllowedJurisdictions requested = catalog.allowed(codes);
        if (ceiling.isPresent() && !SovereigntyGuard.permitsNarrowing(requested, ceiling.get())) {
            return Verdict.refuse(OpenAiErrors.jurisdictionNotPermitted(JURISDICTION_HEADER, requested, tenant.name(),
                    ceiling.get()));
        }
        return Verdict.admit(requested);
    }

    /** Where the client is: from its header, else from its network, else the configured default. */
    Verdict<ClientLocation> location(String header, String clientAddress) {
        if (header != null && !header.isBlank()) {
            ClientLocation.Parsed p = ClientLocation.parse(header, sites, "header");
            return p.problem() != null ? Verdict.refuse(OpenAiErrors.invalidLocation(LOCATION_HEADER, p.problem()))
                    : Verdict.admit(p.location());
        }
        return networks.locate(clientAddress).or(() -> defaultLocation).map(Verdict::admit)
                .orElseGet(() -> Verdict.refuse(OpenAiErrors.unknownLocation(LOCATION_HEADER)));
    }
}
