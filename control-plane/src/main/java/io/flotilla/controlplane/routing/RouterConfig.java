package io.flotilla.controlplane.routing;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** The inference router on {@code /v1/**}: where it listens, limits, failover, API keys and client networks. */
@ConfigMapping(prefix = "flotilla.router")
public interface RouterConfig {

    /**
     * The networks (CIDRs) whose addresses the router may send requests to: a cluster's reported endpoint outside
     * them is never contacted. Empty allows nothing; the demo fleet configures 127.0.0.0/8.
     */
    Optional<List<String>> allowedEndpoints();


    /** Request bodies above this are refused with 413 before they reach any cluster. */
    @WithDefault("1M")
    MemorySize maxBodySize();

    @WithDefault("2s")
    Duration connectTimeout();

    /**
     * Serve {@code /v1/**} on a port of its own instead of the main HTTP port, so that inference can be exposed
     * without exposing the API and the console. Unset: the main port serves it.
     */
    OptionalInt port();

    /** The address the router's own port binds to (only with {@link #port()}). */
    @WithDefault("127.0.0.1")
    String host();

    /**
     * The TLS registry configuration ({@code quarkus.tls.<name>.*}) the router's own port serves HTTPS with (only with
     * {@link #port()}). Unset: the default one ({@code quarkus.tls.*}) when it has a key store, as for the main HTTP
     * server; without one the port speaks plain HTTP. Either way it speaks one or the other, never both.
     */
    Optional<String> tlsConfigurationName();

    /**
     * How long a cluster may take to send its response headers. A non-streaming completion sends them only when
     * it is done, so this bounds whole generations too. Running out counts as a failure: the next cluster is tried.
     */
    @WithDefault("60s")
    Duration firstByteTimeout();

    /**
     * How long a response may stall between two pieces of its body once headers have arrived (time the client
     * itself is too slow to take data does not count). Running out ends the answer: a stream gets an error event,
     * any other body is cut.
     */
    @WithDefault("30s")
    Duration idleTimeout();

    /** Clusters tried for one request, the first included (all from the same route decision). */
    @WithDefault("3")
    int maxAttempts();

    /** Consecutive failures (connection, timeout, 502/503/504) after which a cluster is tried last. */
    @WithDefault("2")
    int ejectAfterFailures();

    @WithDefault("30s")
    Duration ejectionCooldown();

    /** Pooled HTTP/1.1 connections per cluster endpoint and event loop. */
    @WithDefault("256")
    int connectionsPerCluster();

    /** Distinct cluster tag values on the router's metrics; the rest are counted as "other". */
    @WithDefault("200")
    int maxClusterTags();

    /**
     * How long an agent's live load report counts; older, the cluster is ranked without it. About three times the
     * agents' {@code flotilla.agent.load.interval} (2 s).
     */
    @WithDefault("6s")
    Duration liveLoadMaxAge();

    /** Session and prefix affinity: requests of one session go back to the cluster that served it. */
    Affinity affinity();

    interface Affinity {
        @WithDefault("true")
        boolean enabled();

        /** The affine cluster is kept while its score is at most (1 + slack) times the best one's (or slack-ms above). */
        @WithDefault("0.2")
        double slack();

        /** The affine cluster is also kept while its score is at most this many milliseconds above the best one's. */
        @WithDefault("25")
        double slackMs();

        /** Sessions remembered, over all aliases (hashed slots; a newer session takes over an older one's). */
        @WithDefault("65536")
        int slots();

        /** The prompt prefix hashed when a request has no session or user, in tokens of about four characters. */
        @WithDefault("256")
        int prefixTokens();
    }

    /**
     * Tenants by name, each with its API keys ({@code Authorization: Bearer KEY}), optional default jurisdictions
     * and limits. With no tenant configured the router is open to loopback clients only, and refuses every request
     * when it listens beyond loopback.
     */
    Map<String, Tenant> tenants();

    /** Limits for every API key whose tenant sets none of its own, and for keyless use on loopback. */
    RateLimit rateLimit();

    /**
     * Where clients are, by source network: entries {@code CIDR=SITE} or {@code CIDR=LAT,LON} (IPv4 or IPv6),
     * e.g. {@code 10.20.0.0/16=frankfurt}. The longest prefix wins; {@code X-Flotilla-Client-Location} overrides.
     */
    Optional<List<String>> clientNetworks();

    /** Location of clients that neither send the header nor come from a listed network; without it they get 400. */
    Optional<String> defaultLocation();

    /** Which routing receipts are also recorded for the routing audit (every routed answer carries one either way). */
    Receipts receipts();

    interface Receipts {
        /**
         * Which receipts are recorded: {@code all}, {@code sampled} ({@link #sampleRate()} of them) or {@code none}. The
         * routing audit counts every request either way; recorded receipts are its evidence.
         */
        @WithDefault("sampled")
        Recording record();

        /** The share of receipts recorded with {@code record=sampled}, 0 to 1. */
        @WithDefault("0.1")
        double sampleRate();

        /** How long recorded receipts are kept. */
        @WithDefault("30d")
        Duration retention();

        /** Receipts waiting to be written; past it the oldest are dropped (and counted), never the request. */
        @WithDefault("10000")
        int queueCapacity();

        /** Receipts written in one database batch. */
        @WithDefault("500")
        int batchSize();
    }

    /** Which routing receipts are recorded. */
    enum Recording {
        ALL, SAMPLED, NONE
    }

    interface Tenant {
        List<String> apiKeys();

        /** The jurisdictions the tenant's data may reach; a request header may narrow them, never widen them. */
        Optional<List<String>> jurisdictions();

        /** Limits for each of the tenant's keys; an unset field falls back to {@code flotilla.router.rate-limit}. */
        RateLimit rateLimit();
    }

    /** Limits per API key; all unset means unlimited. */
    interface RateLimit {
        /** The rate at which a key's token bucket refills. */
        OptionalDouble requestsPerSecond();

        /** The bucket's size: requests a key may send at once after being idle (default: one second's worth). */
        OptionalInt burst();

        /** Requests of one key in flight at the same time, streams included until they end. */
        OptionalInt maxConcurrent();
    }
}
