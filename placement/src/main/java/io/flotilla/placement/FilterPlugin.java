package io.flotilla.placement;

import java.util.Optional;

/**
 * A hard constraint: a cluster either passes, or is left out for a reason a person can read.
 *
 * <p>The engine works with {@link #prepare prepared} filters: once per policy and cycle, a filter turns the
 * policy into a check over cluster indices (a cached mask, a few columns of the snapshot index, or just
 * {@link #reject} per cluster, the default), and the same prepared filter later gives the reasons. A filter
 * with only {@link #reject} is complete: it decides and explains.
 */
public interface FilterPlugin {

    /** Short, stable name, used in explanations and metrics (e.g. "jurisdiction"). */
    String name();

    /** Empty when {@code cluster} may run the policy; otherwise why not, e.g. "jurisdiction US is not in [EU]". */
    Optional<String> reject(PlacementContext context, ClusterState cluster);

    /** The filter prepared for one policy in one cycle; {@code context} stays valid for the prepared filter's life. */
    default PreparedFilter prepare(PlacementContext context) {
        return PreparedFilter.perCluster(this, context);
    }

    /** What this filter's rejections mean; by default unschedulable when it reads free capacity, else unresolvable. */
    default Rejection.Code rejectionCode() {
        return readsCapacity() ? Rejection.Code.UNSCHEDULABLE : Rejection.Code.UNRESOLVABLE;
    }

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

    /**
     * Whether the decision reads free capacity ({@link PlacementContext#freeCpuMillicores} and the like). When no
     * filter does, a re-placement does not re-ask about clusters whose only change is capacity taken by other policies.
     */
    default boolean readsCapacity() {
        return true;
    }
}
