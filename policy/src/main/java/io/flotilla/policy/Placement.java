package io.flotilla.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the workload may run (selector, jurisdictions) and how widely.
 *
 * @param jurisdictions country codes, subdivisions (IN-MH) or group names (EU); the data may reach no other
 * @param spreadBy a cluster label key; chosen clusters are spread across its values
 * @param demand where requests come from, for the latency score; empty means latency does not matter
 */
public record Placement(
        ClusterSelector clusterSelector,
        List<String> jurisdictions,
        int replicasPerCluster,
        int minClusters,
        int maxClusters,
        Optional<String> spreadBy,
        List<DemandPoint> demand) {

    public Placement {
        Objects.requireNonNull(clusterSelector, "clusterSelector");
        Objects.requireNonNull(spreadBy, "spreadBy");
        jurisdictions = Collections2.listCopy(jurisdictions);
        demand = Collections2.listCopy(demand);
    }
}
