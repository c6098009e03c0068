package io.flotilla.bench.soak;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which desired generations each cluster's agent has not applied yet, and since when. A generation is desired once
 * the control plane has committed it (its database) or published it (the cluster's desired topic), whichever is seen
 * first; it is done once the agent applied it or a newer one (a generation superseded before it arrived is not
 * lost: the agent gets the newest). A generation still pending after {@code stuckAfter} is stuck, and counted once.
 * Thread-safe.
 */
final class GenerationTracker {

    /** The fleet at one moment. */
    record Snapshot(int clusters, int converged, int behind, int stuck, long stuckGenerations, Duration oldestPending) {
    }

    private final Duration stuckAfter;
    private final Map<String, Long> desired = new HashMap<>();
    private final Map<String, Long> applied = new HashMap<>();
    /** Per cluster: each pending generation and the nano time it was first seen desired. */
    private final Map<String, TreeMap<Long, Long>> pending = new HashMap<>();
    /** cluster@generation of every generation that was ever stuck. */
    private final Set<String> stuck = new HashSet<>();

    GenerationTracker(Iterable<String> clusters, Duration stuckAfter) {
        this.stuckAfter = stuckAfter;
        for (String cluster : clusters) {
            desired.put(cluster, 0L);
            applied.put(cluster, 0L);
            pending.put(cluster, new TreeMap<>());
        }
    }

    /** The control plane wants {@code generation} on {@code cluster}, seen at {@code nanoTime}. */
    synchronized void desired(String cluster, long generation, long nanoTime) {
        Long known = desired.get(cluster);
        if (known == null) {
            return; // not one of the simulated clusters
        }
        if (generation < known) {
            return; // superseded already: a late message
        }
        desired.put(cluster, generation);
        if (generation > applied.get(cluster)) {
            pending.get(cluster).putIfAbsent(generation, nanoTime);
        }
    }

    /** What each cluster's agent has applied now, at {@code nanoTime}; answers the fleet's state. */
    synchronized Snapshot update(Map<String, Long> appliedNow, long nanoTime) {
        appliedNow.forEach((cluster, generation) -> {
            if (applied.containsKey(cluster) && generation > applied.get(cluster)) {
                applied.put(cluster, generation);
                pending.get(cluster).headMap(generation, true).clear();
            }
        });
        int converged = 0;
        int behind = 0;
        int stuckNow = 0;
        long oldest = 0;
        for (Map.Entry<String, TreeMap<Long, Long>> e : pending.entrySet()) {
            TreeMap<Long, Long> gens = e.getValue();
            if (gens.isEmpty()) {
                converged++;
                continue;
            }
            behind++;
            long age = nanoTime - gens.values().stream().mapToLong(Long::longValue).min().orElse(nanoTime);
            oldest = Math.max(oldest, age);
            if (age > stuckAfter.toNanos()) {
                stuckNow++;
            }
            for (Map.Entry<Long, Long> g : gens.entrySet()) {
                if (nanoTime - g.getValue() > stuckAfter.toNanos()) {
                    stuck.add(e.getKey() + "@" + g.getKey());
                }
            }
        }
        return new Snapshot(pending.size(), converged, behind, stuckNow, stuck.size(), Duration.ofNanos(oldest));
    }

    /** Forgets the generations stuck so far (those of the cold start, before the soak's clock starts). */
    synchronized void forgetStuck() {
        stuck.clear();
    }

    /** The newest generation the control plane wants on each cluster (0: none yet). */
    synchronized Map<String, Long> desired() {
        return Map.copyOf(desired);
    }

    /** Clusters whose agent has not applied the newest desired generation. */
    synchronized Set<String> behind() {
        Set<String> behind = new HashSet<>();
        pending.forEach((cluster, gens) -> {
            if (!gens.isEmpty()) {
                behind.add(cluster);
            }
        });
        return behind;
    }

    /** Whether every cluster has been given a generation and applied its newest. */
    synchronized boolean allConvergedOnSomething() {
        return desired.values().stream().allMatch(g -> g > 0) && pending.values().stream().allMatch(TreeMap::isEmpty);
    }
}
