package io.flotilla.controlplane.fleet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** Queries over many ids, a thousand per query: PostgreSQL takes at most 32,767 parameters in a statement. */
final class IdBatches {

    private static final int SIZE = 1000;

    private IdBatches() {
    }

    /** {@code query} run on the ids a thousand at a time, the results joined in the order of the batches. */
    static <T> List<T> query(Collection<String> ids, Function<List<String>, List<T>> query) {
        List<String> all = List.copyOf(ids);
        List<T> found = new ArrayList<>();
        for (int i = 0; i < all.size(); i += SIZE) {
            found.addAll(query.apply(all.subList(i, Math.min(all.size(), i + SIZE))));
        }
        return found;
    }
}
