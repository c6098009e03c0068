package io.flotilla.placement;

import io.flotilla.policy.GeoPoint;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One cluster as the control plane sees it at snapshot time.
 *
 * @param jurisdiction ISO 3166 country code, optionally a subdivision (IN-MH)
 * @param gpus GPU pools, one per GPU model and memory size
 * @param rttMsBySite measured round-trip times from named sites, in milliseconds
 * @param serving the policies' workloads this cluster serves now
 */
public record ClusterState(
        String id,
        Map<String, String> labels,
        String jurisdiction,
        GeoPoint location,
        Health health,
        List<Taint> taints,
        List<GpuPool> gpus,
        long cpuMillicores,
        long cpuMillicoresFree,
        long memoryBytes,
        long memoryBytesFree,
        Load load,
        Map<String, Double> rttMsBySite,
        List<ServedWorkload> serving) {

    public ClusterState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(jurisdiction, "jurisdiction");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(load, "load");
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels == null ? Map.of() : labels));
        taints = taints == null ? List.of() : List.copyOf(taints);
        gpus = gpus == null ? List.of() : gpus.stream()
                .sorted(Comparator.comparing(GpuPool::model).thenComparingInt(GpuPool::memoryGiB)).toList();
        rttMsBySite = Collections.unmodifiableSortedMap(new TreeMap<>(rttMsBySite == null ? Map.of() : rttMsBySite));
        serving = serving == null ? List.of() : serving.stream()
                .sorted(Comparator.comparing(ServedWorkload::policyName).thenComparing(ServedWorkload::alias)).toList();
        if (cpuMillicoresFree < 0 || cpuMillicoresFree > cpuMillicores || memoryBytesFree < 0 || memoryBytesFree > memoryBytes) {
            throw new IllegalArgumentException("cluster " + id + ": free CPU and memory must lie between 0 and capacity");
        }
    }
}
