package io.flotilla.agent.reconcile;

import io.flotilla.proto.v1.InferenceWorkload;

/**
 * Where a workload's model server answers, as the agent reports it for the router. In a cluster that is the
 * Service's DNS name ({@link #IN_CLUSTER}); a simulator substitutes its own stand-in servers.
 */
@FunctionalInterface
public interface EndpointResolver {

    EndpointResolver IN_CLUSTER = WorkloadObjects::endpoint;

    String endpoint(ReconcileTarget target, InferenceWorkload workload);
}
