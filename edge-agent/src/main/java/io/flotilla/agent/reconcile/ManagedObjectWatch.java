package io.flotilla.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Watches what the agent manages (informers on Deployments and Services with the managed-by
 * label) and tells the agent when it must act:
 * <ul>
 *   <li>{@code onDrift}: an object was deleted, added, or its spec, labels or annotations changed,
 *       so a full reconcile must restore or prune it;</li>
 *   <li>{@code onStatusChange}: only a Deployment's status changed, so the workload conditions
 *       must be re-read, with nothing to apply.</li>
 * </ul>
 * Updates that change nothing but bookkeeping (resource version, managed fields) trigger nothing,
 * so the agent's own no-op applies cannot feed back into an endless loop.
 */
public final class ManagedObjectWatch implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final Runnable onDrift;
    private final Runnable onStatusChange;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    public ManagedObjectWatch(KubernetesClient client, String namespace, Runnable onDrift, Runnable onStatusChange) {
        this.client = client;
        this.namespace = namespace;
        this.onDrift = onDrift;
        this.onStatusChange = onStatusChange;
    }

    /** Starts the informers without waiting for their first list: the agent must start with the API down. */
    public synchronized void start() {
        informers.add(client.apps().deployments().inNamespace(namespace)
                .withLabel(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)
                .runnableInformer(0)
                .addEventHandler(new Handler<>(Deployment::getSpec, Deployment::getStatus)));
        informers.add(client.services().inNamespace(namespace)
                .withLabel(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)
                .runnableInformer(0)
                .addEventHandler(new Handler<>(Service::getSpec, s -> null)));
        informers.forEach(SharedIndexInformer::start);
    }

    @Override
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
    }

    private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final Function<T, Object> spec;
        private final Function<T, Object> status;

        Handler(Function<T, Object> spec, Function<T, Object> status) {
            this.spec = spec;
            this.status = status;
        }

        @Override
        public void onAdd(T object) {
            onDrift.run();
        }

        @Override
        public void onUpdate(T before, T after) {
            if (!Objects.equals(spec.apply(before), spec.apply(after))
                    || !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
                    || !Objects.equals(before.getMetadata().getAnnotations(), after.getMetadata().getAnnotations())
                    || after.getMetadata().getDeletionTimestamp() != null) {
                onDrift.run();
            } else if (!Objects.equals(status.apply(before), status.apply(after))) {
                onStatusChange.run();
            }
        }

        @Override
        public void onDelete(T object, boolean deletedFinalStateUnknown) {
            onDrift.run();
        }
    }
}
