package io.flotilla.placement;

import java.util.Optional;

/** A hard constraint: a cluster either passes, or is left out for a reason a person can read. */
public interface FilterPlugin {

    /** Short, stable name, used in explanations and metrics (e.g. "jurisdiction"). */
    String name();

    /** Empty when {@code cluster} may run the policy; otherwise why not, e.g. "jurisdiction US is not in [EU]". */
    Optional<String> reject(PlacementContext context, ClusterState cluster);
}
