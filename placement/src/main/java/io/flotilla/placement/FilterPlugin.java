package io.flotilla.placement;

import java.util.Optional;

/** A hard constraint: a cluster either passes, or is left out for a reason a person can read. */
public interface FilterPlugin {

    /** Short, stable name, used in explanations and metrics (e.g. "jurisdiction"). */
    String name();

    /** Empty when {@code cluster} may run the policy; otherwise why not, e.g. "jurisdiction US is not in [EU]". */
    Optional<String> reject(PlacementContext context, ClusterState cluster);

    /**
     * True when {@link #reject} depends only on the policy, on the cluster's own state in the snapshot and on
     * its free capacity in the context's ledger: never on other clusters, and never on anything that can change
     * while the snapshot does not. The engine then re-asks only about clusters that changed since its last run,
     * so a long-lived engine re-places in milliseconds; with a filter that is not, every run starts from
     * scratch. A filter that holds data of its own (a set of names) must be replaced by a new engine when that
     * data changes.
     */
    default boolean decidesPerCluster() {
        return false;
    }
}
