package io.flotilla.controlplane.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.controlplane.dispatch.DesiredStateDispatcher;
import io.flotilla.policy.ImagePolicy;
import io.flotilla.proto.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Registers clusters and changes what they should run; every change dispatches a new generation. */
@ApplicationScoped
public class FleetService {

    /** The length of the JSON columns (VARCHAR(65535)). */
    static final int MAX_STORED_JSON_CHARS = 65_535;

    private final ClusterRepository clusters;
    private final ClusterWorkloadRepository workloads;
    private final WorkloadStatusRepository statuses;
    private final DesiredStateDispatcher dispatcher;
    private final ObjectMapper json;
    private final Clock clock;
    private final Event<FleetChanged> changed;
    private final ImagePolicy imagePolicy;

    FleetService(ClusterRepository clusters, ClusterWorkloadRepository workloads, WorkloadStatusRepository statuses,
            DesiredStateDispatcher dispatcher, ObjectMapper json, Clock clock, Event<FleetChanged> changed,
            ImagePolicy imagePolicy) {
        this.clusters = clusters;
        this.workloads = workloads;
        this.statuses = statuses;
        this.dispatcher = dispatcher;
        this.json = json;
        this.clock = clock;
        this.changed = changed;
        this.imagePolicy = imagePolicy;
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
        c.capacityJson = r.capacity() == null ? null : writeStored(r.capacity().withDefaults(), "capacity");
        c.taintsJson = r.taints() == null || r.taints().isEmpty() ? null : writeStored(List.copyOf(r.taints()), "taints");
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

    /** Creates or replaces a workload; returns the cluster's new desired generation. */
    @Transactional
    public long putWorkload(String clusterId, String name, WorkloadSpec spec) {
        List<String> imageProblems = imagePolicy.problems(spec.image());
        if (!imageProblems.isEmpty()) {
            throw new FleetException(FleetException.Kind.INVALID, String.join("; ", imageProblems));
        }
        if (spec.env() != null && spec.secretEnv() != null) {
            var both = new TreeSet<>(spec.env().keySet());
            both.retainAll(spec.secretEnv().keySet());
            if (!both.isEmpty()) {
                throw new FleetException(FleetException.Kind.INVALID, "env and secretEnv both set " + both
                        + ": a variable has a plain value or a Secret reference, not both");
            }
        }
        Cluster cluster = clusters.findForUpdate(clusterId).orElseThrow(() -> FleetException.unknownCluster(clusterId));
        ClusterWorkload.Key key = new ClusterWorkload.Key(clusterId, name);
        ClusterWorkload w = workloads.findById(key);
        refusePolicyOwned(w);
        boolean created = w == null;
        if (created) {
            w = new ClusterWorkload();
            w.key = key;
        }
        w.specJson = writeStored(spec.withDefaults(), "workload '" + name + "'");
        w.updatedAt = clock.instant();
        if (created) {
            workloads.persist(w);
        }
        workloads.flush();
        return dispatcher.dispatch(cluster).getGeneration();
    }

    /** Removes a workload; the new generation without it makes the agent prune it. */
    @Transactional
    public long removeWorkload(String clusterId, String name) {
        Cluster cluster = clusters.findForUpdate(clusterId).orElseThrow(() -> FleetException.unknownCluster(clusterId));
        ClusterWorkload w = workloads.findById(new ClusterWorkload.Key(clusterId, name));
        if (w == null) {
            throw new FleetException(FleetException.Kind.NOT_FOUND,
                    "cluster '" + clusterId + "' has no workload '" + name + "'");
        }
        refusePolicyOwned(w);
        workloads.delete(w);
        workloads.flush();
        return dispatcher.dispatch(cluster).getGeneration();
    }

    /** Placement owns what it placed: direct changes would be undone by its next run. */
    private static void refusePolicyOwned(ClusterWorkload w) {
        if (w != null && w.policyName != null) {
            throw new FleetException(FleetException.Kind.CONFLICT, "workload '" + w.key.name() + "' on cluster '"
                    + w.key.clusterId() + "' is placed by policy '" + w.policyName + "'; change or delete the policy instead");
        }
    }

    /** The capacity a cluster was registered with; {@link ClusterCapacity#NONE} when it was registered without one. */
    public ClusterCapacity capacityOf(Cluster c) {
        return c.capacityJson == null ? ClusterCapacity.NONE : read(c.capacityJson, ClusterCapacity.class);
    }

    public List<ClusterTaint> taintsOf(Cluster c) {
        return c.taintsJson == null ? List.of() : List.of(read(c.taintsJson, ClusterTaint[].class));
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable", e);
        }
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
            try {
                desired.put(w.key.name(), json.readValue(w.specJson, WorkloadSpec.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored workload " + w.key + " is not readable", e);
            }
        }
        return new ClusterState(c, c.capacityJson == null ? null : capacityOf(c), taintsOf(c), desired, reported);
    }

    /** A document for a JSON column (spec_json, capacity_json, taints_json): refused when longer than the column. */
    private String writeStored(Object value, String what) {
        String json = write(value);
        if (json.length() > MAX_STORED_JSON_CHARS) {
            throw new FleetException(FleetException.Kind.INVALID, what + " is " + json.length()
                    + " characters long as JSON; the limit is " + MAX_STORED_JSON_CHARS);
        }
        return json;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
