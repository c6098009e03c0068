package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.fleet.ClusterWorkload;
import io.flotilla.controlplane.fleet.ClusterWorkloadRepository;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.controlplane.support.StoredJson;
import io.flotilla.policy.ImagePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.TreeSet;

/**
 * Workloads given to one cluster directly (not by a policy): each change dispatches the cluster's next
 * generation in the same transaction.
 */
@ApplicationScoped
public class DirectWorkloads {

    private final ClusterRepository clusters;
    private final ClusterWorkloadRepository workloads;
    private final DesiredStateDispatcher dispatcher;
    private final StoredJson json;
    private final Clock clock;
    private final ImagePolicy imagePolicy;

    DirectWorkloads(ClusterRepository clusters, ClusterWorkloadRepository workloads, DesiredStateDispatcher dispatcher,
            StoredJson json, Clock clock, ImagePolicy imagePolicy) {
        this.clusters = clusters;
        this.workloads = workloads;
        this.dispatcher = dispatcher;
        this.json = json;
        this.clock = clock;
        this.imagePolicy = imagePolicy;
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
        w.spec = json.checkBounded(spec.withDefaults(), "workload '" + name + "'");
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

}
