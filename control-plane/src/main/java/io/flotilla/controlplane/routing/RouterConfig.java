package io.flotilla.controlplane.routing;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The inference router on {@code /v1/**}: limits, failover, API keys and client networks. */
@ConfigMapping(prefix = "flotilla.router")
public interface RouterConfig {

    /** Request bodies above this are refused with 413 before they reach any cluster. */
    @WithDefault("1M")
    MemorySize maxBodySize();

    @WithDefault("2s")
    Duration connectTimeout();

    /**
     * How long a cluster may take to send its response headers. A non-streaming completion sends them only when
     * it is done, so this bounds whole generations too; once headers arrive there is no further timeout.
     */
    @WithDefault("60s")
    Duration firstByteTimeout();

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
     * Tenants by name, each with its API keys ({@code Authorization: Bearer KEY}) and optional default
     * jurisdictions. With no tenant configured the router is open to anyone who can reach it.
     */
    Map<String, Tenant> tenants();

    /**
     * Where clients are, by source network: entries {@code CIDR=SITE} or {@code CIDR=LAT,LON} (IPv4 or IPv6),
     * e.g. {@code 10.20.0.0/16=frankfurt}. The longest prefix wins; {@code X-Flotilla-Client-Location} overrides.
     */
    Optional<List<String>> clientNetworks();

    /** Location of clients that neither send the header nor come from a listed network; without it they get 400. */
    Optional<String> defaultLocation();

    interface Tenant {
        List<String> apiKeys();

        /** The jurisdictions the tenant's data may reach; a request header may narrow them, never widen them. */
        Optional<List<String>> jurisdictions();
    }
}
