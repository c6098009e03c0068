package io.flotilla.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * How clients reach a workload through the router. The live-load fields are optional so that a policy that
 * does not set them keeps its canonical form; the router applies {@link #DEFAULT_LOAD_WEIGHT},
 * {@link #DEFAULT_CACHE_WEIGHT} and no queue limit when they are absent.
 *
 * @param alias the model name clients send; several policies may serve one alias (for example per region)
 * @param maxLatencyMs the router leaves out clusters whose network round trip to the client is estimated above this
 * @param loadWeight milliseconds added per waiting request per running one (the queueing estimate)
 * @param cacheWeight milliseconds added at a full KV cache (scaled by the fourth power of its use)
 * @param maxQueue waiting requests above which a cluster is skipped while another allowed one has room
 */
public record Routing(String alias, Optional<Integer> maxLatencyMs, Optional<Double> loadWeight,
        Optional<Double> cacheWeight, Optional<Integer> maxQueue) {

    /** Milliseconds per waiting request per running one: a short chat answer's time in a batch. */
    public static final double DEFAULT_LOAD_WEIGHT = 200;
    /** Milliseconds at a full KV cache: a full cache means preemption and recomputation. */
    public static final double DEFAULT_CACHE_WEIGHT = 50;

    public Routing {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(maxLatencyMs, "maxLatencyMs");
        Objects.requireNonNull(loadWeight, "loadWeight");
        Objects.requireNonNull(cacheWeight, "cacheWeight");
        Objects.requireNonNull(maxQueue, "maxQueue");
    }

    /** Routing with the default live-load weights and no queue limit. */
    public Routing(String alias, Optional<Integer> maxLatencyMs) {
        this(alias, maxLatencyMs, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public double loadWeightOrDefault() {
        return loadWeight.orElse(DEFAULT_LOAD_WEIGHT);
    }

    public double cacheWeightOrDefault() {
        return cacheWeight.orElse(DEFAULT_CACHE_WEIGHT);
    }

    /** The queue limit, or {@link Integer#MAX_VALUE} when there is none. */
    public int maxQueueOrUnlimited() {
        return maxQueue.orElse(Integer.MAX_VALUE);
    }
}
