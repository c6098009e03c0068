package io.flotilla.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile pass must do: the namespace to ensure, every object to apply (all of them,
 * every time: server-side apply of an unchanged object is a no-op), the managed objects to prune,
 * and the workloads that cannot be applied, with why.
 */
public record ReconcilePlan(Namespace namespace, List<HasMetadata> apply, List<ObjectRef> prune,
        Map<String, String> invalidWorkloads) {

    public ReconcilePlan {
        apply = List.copyOf(apply);
        prune = List.copyOf(prune);
        invalidWorkloads = Map.copyOf(invalidWorkloads);
    }
}
