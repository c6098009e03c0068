package io.flotilla.controlplane.api;

import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterCapacity;
import io.flotilla.controlplane.fleet.ClusterHealth;
import io.flotilla.controlplane.fleet.ClusterTaint;
import io.flotilla.controlplane.fleet.FleetService;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.controlplane.fleet.WorkloadStatusRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The API's view of clusters: DTO records, built from entities and never the entities themselves. */
public final class ClusterViews {

    private ClusterViews() {
    }

    /**
     * @param converged applied the desired generation and every desired workload reports Available
     * @param lastReportAt the cluster's last sign of life: the newest of its status, presence and telemetry times
     * @param lastStatusAt when its agent last sent a full status report (workloads and applied generation)
     * @param lastPresenceAt when its agent last said it was online or going offline
     * @param unacknowledged did not apply its desired generation within the acknowledgement timeout, even after a re-publication
     * @param capacity null when the cluster was registered without one (placement then puts nothing there)
     * @param gpuUtilizationPercent mean utilisation of its GPUs in the newest telemetry; null without telemetry or GPUs */
    public record ClusterView(String id, String jurisdiction, Double latitude, Double longitude,
            Map<String, String> labels, ClusterCapacity capacity, List<ClusterTaint> taints, long desiredGeneration, long appliedGeneration, boolean converged,
            boolean online, ClusterHealth health, Instant lastReportAt, Instant offlineSince, boolean unacknowledged,
            boolean paused, String applyError, String agentVersion, Instant lastStatusAt,
            Instant lastPresenceAt, Double gpuUtilizationPercent, List<WorkloadView> workloads) {
    }

    /** A workload: desired spec (null when only reported, e.g. still being pruned) and reported status. */
    public record WorkloadView(String name, WorkloadSpec desired, StatusView status) {
    }

    public record StatusView(String condition, String reason, String message, int readyReplicas,
            int desiredReplicas, String endpoint) {
    }

    public record GenerationView(String cluster, String workload, long desiredGeneration) {
    }

    /**
     * @param lastReportAt the newest of the cluster's status, presence and telemetry times, the telemetry held in
     *                     memory included (the stored telemetry time is written only now and then)
     */
    static ClusterView of(FleetService.ClusterState state, Instant lastReportAt, Double gpuUtilizationPercent) {
        Cluster c = state.cluster();
        Map<String, WorkloadStatusRecord> reported = new TreeMap<>();
        state.reported().forEach(r -> reported.put(r.key.name(), r));
        TreeSet<String> names = new TreeSet<>(state.desired().keySet());
        names.addAll(reported.keySet());
        List<WorkloadView> workloads = new ArrayList<>(names.size());
        for (String name : names) {
            WorkloadStatusRecord r = reported.get(name);
            StatusView status = r == null ? null
                    : new StatusView(r.condition, r.reason, r.message, r.readyReplicas, r.desiredReplicas, r.endpoint);
            workloads.add(new WorkloadView(name, state.desired().get(name), status));
        }
        return new ClusterView(c.id, c.jurisdiction, c.latitude, c.longitude, new TreeMap<>(c.labels),
                state.capacity(), state.taints(), c.desiredGeneration, c.appliedGeneration,
                ClusterHealth.converged(c, state.desired().keySet(), state.reported()), c.online,
                ClusterHealth.of(c, state.reported()), lastReportAt, c.offlineSince, c.unacknowledged, c.paused, c.applyError, c.agentVersion, c.lastStatusAt, c.lastPresenceAt, gpuUtilizationPercent, workloads);
    }
}
