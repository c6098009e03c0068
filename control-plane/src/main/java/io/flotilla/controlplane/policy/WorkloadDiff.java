package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.controlplane.policy.PolicyPlacer.ClusterChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** What each cluster's policy-placed workloads must become for placement's wishes to hold. Pure. */
final class WorkloadDiff {

    private WorkloadDiff() {
    }

    /**
     * @param desired by cluster id, the workloads placement wants there, by name
     * @param existing by cluster id, the policy-placed workloads there now, by name
     * @return one change per cluster whose workloads differ, in cluster id order: new or different specs to put
     *         (those the cluster already runs under that name also listed as replaced), names to remove
     */
    static List<ClusterChange> between(Map<String, ? extends Map<String, WorkloadSpec>> desired,
            Map<String, ? extends Map<String, WorkloadSpec>> existing) {
        var touched = new TreeSet<>(desired.keySet());
        touched.addAll(existing.keySet());
        var changes = new ArrayList<ClusterChange>();
        for (String clusterId : touched) {
            Map<String, WorkloadSpec> want = orEmpty(desired.get(clusterId));
            Map<String, WorkloadSpec> have = orEmpty(existing.get(clusterId));
            SortedMap<String, WorkloadSpec> put = new TreeMap<>();
            var replaced = new TreeSet<String>();
            want.forEach((name, spec) -> {
                if (!spec.equals(have.get(name))) {
                    put.put(name, spec);
                    if (have.containsKey(name)) {
                        replaced.add(name);
                    }
                }
            });
            var removed = new TreeSet<>(have.keySet());
            removed.removeAll(want.keySet());
            if (!put.isEmpty() || !removed.isEmpty()) {
                changes.add(new ClusterChange(clusterId, put, removed, replaced));
            }
        }
        return changes;
    }

    private static Map<String, WorkloadSpec> orEmpty(Map<String, WorkloadSpec> workloads) {
        return workloads == null ? Map.of() : workloads;
    }
}
