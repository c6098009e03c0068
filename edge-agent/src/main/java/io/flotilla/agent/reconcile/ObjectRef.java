package io.flotilla.agent.reconcile;

/** A managed object as observed in the cluster: its kind, name and the workload label it carries. */
public record ObjectRef(Kind kind, String name, String workload) {

    public enum Kind { DEPLOYMENT, SERVICE, PERSISTENT_VOLUME_CLAIM }
}
