package io.flotilla.placement;

import java.util.function.Predicate;

/**
 * A filter prepared for one policy in one placement cycle ({@link FilterPlugin#prepare}): the engine asks it about
 * clusters by their index in the snapshot ({@link PlacementContext#cluster(int)}), first whether it admits them,
 * and later, for the explanation, why not. Both answers must come from the same rule.
 */
public interface PreparedFilter {

    /** Whether the cluster may run the policy. Called in the hot loop: no allocation, no formatting. */
    boolean admits(int cluster);

    /** Why the cluster is left out; only asked about a cluster {@link #admits} refuses. */
    Rejection rejection(int cluster);

    /**
     * Every cluster's answer when it was read from a mask cached per snapshot (see {@link #cached}); the engine
     * then starts from the clusters all masks admit. Null otherwise. Never modified.
     */
    default boolean[] mask() {
        return null;
    }

    /**
     * A prepared filter whose reasons are its plugin's {@link FilterPlugin#reject}, with the plugin's code: a
     * preparation gives only the fast decision.
     */
    abstract class Explained implements PreparedFilter {

        private final FilterPlugin plugin;
        protected final PlacementContext context;

        protected Explained(FilterPlugin plugin, PlacementContext context) {
            this.plugin = plugin;
            this.context = context;
        }

        @Override
        public final Rejection rejection(int cluster) {
            String why = plugin.reject(context, context.cluster(cluster)).orElseThrow(() -> new IllegalStateException(
                    "filter " + plugin.name() + " refused cluster " + context.cluster(cluster).id() + " but gives no reason"));
            return new Rejection(plugin.rejectionCode(), why);
        }
    }

    /** The plain preparation: {@link FilterPlugin#reject} per cluster, for both the decision and the reason. */
    static PreparedFilter perCluster(FilterPlugin plugin, PlacementContext context) {
        return new Explained(plugin, context) {
            @Override
            public boolean admits(int cluster) {
                return plugin.reject(context, context.cluster(cluster)).isEmpty();
            }
        };
    }

    /**
     * For a filter whose decision depends on nothing but the cluster's own state and a part of the policy: the
     * decision over the whole snapshot, computed once per {@code key} and shared by every policy with an equal key
     * (a snapshot derived from this one re-tests only its changed clusters). The reason comes from
     * {@link FilterPlugin#reject}.
     *
     * @param key equal only for equal decisions; a record of the plugin's own holding the part of the policy read
     * @param admits the decision, by the cluster and the key only
     */
    static PreparedFilter cached(FilterPlugin plugin, PlacementContext context, Object key, Predicate<ClusterState> admits) {
        if (context.perCluster()) {
            return new Explained(plugin, context) {
                @Override
                public boolean admits(int cluster) {
                    return admits.test(context.cluster(cluster));
                }
            };
        }
        boolean[] mask = context.index().mask(key, admits);
        return new Explained(plugin, context) {
            @Override
            public boolean admits(int cluster) {
                return mask[cluster];
            }

            @Override
            public boolean[] mask() {
                return mask;
            }
        };
    }

}
