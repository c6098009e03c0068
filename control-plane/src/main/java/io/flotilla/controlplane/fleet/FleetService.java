package io.flotilla.controlplane.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.controlplane.dispatch.DesiredStateDispatcher;
import io.flotilla.proto.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Registers clusters and changes what they should run; every change dispatches a new generation. */
@ApplicationScoped
public class FleetService {

    private final ClusterRepository clusters;
    private final ClusterWorkloadRepository workloads;
    private final WorkloadStatusRepository statuses;
    private final DesiredStateDispatcher dispatcher;
    private final ObjectMapper json;
    private final Clock clock;

    FleetService(ClusterRepository clusters, ClusterWorkloadRepository workloads, WorkloadStatusRepository statuses,
            DesiredStateDispatcher dispatcher, ObjectMapper json, Clock clock) {
        this.clusters = clusters;
        this.workloads = workloads;
        this.statuses = statuses;
        this.dispatcher = dispatcher;
        this.json = json;
        this.clock = clock;
    }

    /** A cluster with what it should run and what it last reported. */
    public record ClusterState(Cluster cluster, Map<String, WorkloadSpec> desired, List<WorkloadStatusRecord> reported) {
    }

    public record Registration(String id, String jurisdiction, Double latitude, Double longitude,
            Map<String, String> labels) {
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
        clusters.persist(c);
        return c;
    }

    @Transactional
    public List<ClusterState> list() {
        return clusters.listOrdered().stream().map(this::stateOf).toList();
    }

    @Transactional
    public Optional<ClusterState> get(String id) {
        return clusters.findByIdOptional(id).map(this::stateOf);
    }

    /** Creates or replaces a workload; returns the cluster's new desired generation. */
    @Transactional
    public long putWorkload(String clusterId, String name, WorkloadSpec spec) {
        Cluster cluster = clusters.findForUpdate(clusterId).orElseThrow(() -> FleetException.unknownCluster(clusterId));
        ClusterWorkload.Key key = new ClusterWorkload.Key(clusterId, name);
        ClusterWorkload w = workloads.findById(key);
        boolean created = w == null;
        if (created) {
            w = new ClusterWorkload();
            w.key = key;
        }
        w.specJson = writeSpec(spec.withDefaults());
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
        if (!workloads.deleteById(new ClusterWorkload.Key(clusterId, name))) {
            throw new FleetException(FleetException.Kind.NOT_FOUND,
                    "cluster '" + clusterId + "' has no workload '" + name + "'");
        }
        workloads.flush();
        return dispatcher.dispatch(cluster).getGeneration();
    }

    private ClusterState stateOf(Cluster c) {
        Map<String, WorkloadSpec> desired = new java.util.TreeMap<>();
        for (ClusterWorkload w : workloads.forCluster(c.id)) {
            try {
                desired.put(w.key.name(), json.readValue(w.specJson, WorkloadSpec.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored workload " + w.key + " is not readable", e);
            }
        }
        return new ClusterState(c, desired, statuses.forCluster(c.id));
    }

    private String writeSpec(WorkloadSpec spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise workload spec", e);
        }
    }
}
