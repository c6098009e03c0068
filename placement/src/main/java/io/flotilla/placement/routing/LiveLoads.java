package io.flotilla.placement.routing;

/**
 * Where the router reads live load at query time: the latest fresh signals of a workload on a cluster, or null
 * when none is known (never reported, or too old to trust). Looked up only for the few nearest candidates of a
 * query, so an implementation must be a cheap, allocation-free read of a concurrent map.
 */
@FunctionalInterface
public interface LiveLoads {

    /** No live signal anywhere: ranking by network and snapshot load only. */
    LiveLoads NONE = (clusterId, workload) -> null;

    /**
     * @param workload the serving policy's name (the agent reports load per workload, named as its policy)
     */
    LiveLoad of(String clusterId, String workload);
}
