package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.support.FleetException;
import io.flotilla.controlplane.support.StoredJson;
import io.flotilla.proto.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Registers clusters and reads them with what they should run and what they last reported. */
@ApplicationScoped
public class FleetService {

    private final ClusterRepository clusters;
    private final ClusterWorkloadRepository workloads;
    private final WorkloadStatusRepository statuses;
    private final StoredJson json;
    private final Clock clock;
    private final Event<FleetChanged> changed;

    FleetService(ClusterRepository clusters, ClusterWorkloadRepository workloads, WorkloadStatusRepository statuses,
            StoredJson json, Clock clock, Event<FleetChanged> changed) {
        this.clusters = clusters;
        this.workloads = workloads;
        this.statuses = statuses;
        this.json = json;
        this.clock = clock;
        this.changed = changed;
    }

    /** A cluster with its inventory, what it should run and what it last reported. */
    public record ClusterState(Cluster cluster, ClusterCapacity capacity, List<ClusterTaint> taints,
            Map<String, WorkloadSpec> desired, List<WorkloadStatusRecord> reported) {
    }

    /** @param capacity null when unknown: nothing is placed on the cluster then */
    public record Registration(String id, String jurisdiction, Double latitude, Double longitude,
            Map<String, String> labels, ClusterCapacity capacity, List<ClusterTaint> taints) {
    }

    @Transactional
    public Cluster register(Registration r) {
        if (!Topics.isValidClusterId(r.id())) {
            throw new FleetException(FleetException.Kind.INVALID, "id must be a DNS-1123 label (lower-case "
                    + "letters, digits and '-', at most 63 characters), got '" + r.id() + "'");
        }
        if (clusters.findByIdOptional(r.id()).isPresent()) {
            throw new FleetException(FleetException.Kind.CONFLICT, "cluster '" + r.id() + "' is already registered");
        }
        Cluster c = new Cluster();
        c.id = r.id();
        c.jurisdiction = r.jurisdiction();
        c.latitude = r.latitude();
        c.longitude = r.longitude();
        if (r.labels() != null) {
            c.labels.putAll(r.labels());
        }
        c.createdAt = clock.instant();
        c.capacity = r.capacity() == null ? null : json.checkBounded(r.capacity().withDefaults(), "capacity");
        c.taints = r.taints() == null || r.taints().isEmpty() ? null
                : json.checkBounded(new ClusterTaints(r.taints()), "taints");
        clusters.persist(c);
        changed.fire(new FleetChanged(c.id, FleetChanged.Kind.REGISTERED));
        return c;
    }

    /** A page of a listing: its clusters, and the id of its last one when more follow. */
    public record ClusterPage(List<ClusterState> clusters, Optional<String> continueAfter) {
    }

    /**
     * Up to {@code limit} clusters matching {@code filter} in id order, after the cluster {@code afterId} (from the
     * first when empty; {@link Integer#MAX_VALUE}: all of them): four queries whatever the page size (clusters, their
     * labels, workloads and statuses).
     */
    @Transactional
    public ClusterPage page(ClusterFilter filter, Optional<String> afterId, int limit) {
        // one more than asked for says whether another page follows
        List<Cluster> found = clusters.page(filter, afterId, limit == Integer.MAX_VALUE ? limit : limit + 1);
        boolean more = found.size() > limit;
        List<Cluster> page = more ? found.subList(0, limit) : found;
        return new ClusterPage(statesOf(page), more ? Optional.of(page.getLast().id) : Optional.empty());
    }

    @Transactional
    public Optional<ClusterState> get(String id) {
        return clusters.findByIdOptional(id).map(this::stateOf);
    }

    /** The capacity a cluster was registered with; {@link ClusterCapacity#NONE} when it was registered without one. */
    public ClusterCapacity capacityOf(Cluster c) {
        return c.capacity == null ? ClusterCapacity.NONE : c.capacity;
    }

    public List<ClusterTaint> taintsOf(Cluster c) {
        return c.taints == null ? List.of() : c.taints.taints();
    }

    private ClusterState stateOf(Cluster c) {
        return stateOf(c, workloads.forCluster(c.id), statuses.forCluster(c.id));
    }

    /** The states of {@code found} with their workloads and statuses read in one query each, not one per cluster. */
    private List<ClusterState> statesOf(List<Cluster> found) {
        List<String> ids = found.stream().map(c -> c.id).toList();
        Map<String, List<ClusterWorkload>> workloadsOf = workloads.forClusters(ids).stream()
                .collect(Collectors.groupingBy(w -> w.key.clusterId()));
        Map<String, List<WorkloadStatusRecord>> statusesOf = statuses.forClusters(ids).stream()
                .collect(Collectors.groupingBy(r -> r.key.clusterId()));
        return found.stream().map(c -> stateOf(c, workloadsOf.getOrDefault(c.id, List.of()),
                statusesOf.getOrDefault(c.id, List.of()))).toList();
    }

    private ClusterState stateOf(Cluster c, List<ClusterWorkload> given, List<WorkloadStatusRecord> reported) {
        Map<String, WorkloadSpec> desired = new TreeMap<>();
        for (ClusterWorkload w : given) {
            desired.put(w.key.name(), w.spec);
        }
        return new ClusterState(c, c.capacity, taintsOf(c), desired, reported);
    }

}
