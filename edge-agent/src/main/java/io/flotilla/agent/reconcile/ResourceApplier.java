package io.flotilla.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The only class that writes to the Kubernetes API: server-side apply under the field manager
 * {@value ManagedLabels#FIELD_MANAGER}, and deletes restricted to objects carrying the
 * managed-by label.
 */
public final class ResourceApplier {

    /** What an operation did to the cluster. */
    public enum Outcome { NOOP, CREATED, PATCHED, DELETED }

    private final KubernetesClient client;
    private final String namespace;
    /**
     * The resource version of each managed object as the last {@link #listManaged()} saw it, by kind and name: a
     * reconcile lists them just before applying, so {@link #apply} knows what it replaces without reading each
     * object first (one request less per object and reconcile).
     */
    private final Map<String, String> listedVersions = new ConcurrentHashMap<>();

    public ResourceApplier(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * Creates the namespace when it is missing, and applies the agent's labels to an existing one whose labels
     * differ from them (a namespace created by the install manifest, or a changed Pod Security level). Labels
     * of other owners are left alone; a namespace already labelled as desired is not written to.
     */
    public Outcome ensureNamespace(Namespace desired) {
        Namespace current = client.namespaces().withName(desired.getMetadata().getName()).get();
        if (current == null) {
            serverSideApply(desired, true);
            return Outcome.CREATED;
        }
        Map<String, String> labels = current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels();
        if (labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())) {
            return Outcome.NOOP;
        }
        serverSideApply(desired, false);
        return Outcome.PATCHED;
    }

    /**
     * Server-side applies {@code desired}. Conflicts are forced: the agent owns these fields, and a
     * hand edit of them is drift to undo.
     */
    public Outcome apply(HasMetadata desired) {
        String beforeVersion = listedVersions.remove(key(desired.getKind(), desired.getMetadata().getName()));
        if (beforeVersion == null) { // not listed as managed: absent, or not labelled as ours yet
            HasMetadata before = client.resource(desired).get();
            beforeVersion = before == null ? null : before.getMetadata().getResourceVersion();
        }
        HasMetadata after = serverSideApply(desired, beforeVersion == null);
        if (beforeVersion == null) {
            return Outcome.CREATED;
        }
        return Objects.equals(beforeVersion, after.getMetadata().getResourceVersion()) ? Outcome.NOOP : Outcome.PATCHED;
    }

    private <T extends HasMetadata> T serverSideApply(T desired, boolean absent) {
        try {
            return client.resource(desired).fieldManager(ManagedLabels.FIELD_MANAGER).forceConflicts().serverSideApply();
        } catch (KubernetesClientException e) {
            // Only for fabric8's CRUD mock server, the API server of the tests and the end-to-end
            // test: it answers an apply patch with 404 when the object is absent (a real API
            // server creates it) and with 415 when it exists (it has no apply patch type). The
            // agent then creates, or patches what it owns (spec, labels, annotations) with a JSON
            // patch. A real API server never gives either answer to an apply, so production stays
            // server-side apply.
            if (absent && e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return client.resource(desired).create();
            }
            if (e.getCode() == HttpURLConnection.HTTP_UNSUPPORTED_TYPE) {
                return patchOwnedFields(desired);
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> T patchOwnedFields(T desired) {
        KubernetesSerialization json = client.getKubernetesSerialization();
        T current = client.resource(desired).get();
        // no optimistic lock: like a forced apply, the agent's fields win over concurrent writers
        current.getMetadata().setResourceVersion(null);
        Map<String, Object> edited = json.convertValue(current, Map.class);
        Map<String, Object> wanted = json.convertValue(desired, Map.class);
        if (wanted.containsKey("spec")) {
            edited.put("spec", wanted.get("spec"));
        }
        Map<String, Object> metadata = (Map<String, Object>) edited.get("metadata");
        Map<String, Object> wantedMetadata = (Map<String, Object>) wanted.get("metadata");
        metadata.put("labels", wantedMetadata.get("labels"));
        metadata.put("annotations", wantedMetadata.get("annotations"));
        T target = (T) json.convertValue(edited, desired.getClass());
        return client.resource(current).patch(PatchContext.of(PatchType.JSON), target);
    }

    /** Deletes a managed object; refuses (NOOP) when the object found lacks the managed-by label. */
    public Outcome delete(ObjectRef ref) {
        HasMetadata current = switch (ref.kind()) {
            case DEPLOYMENT -> client.apps().deployments().inNamespace(namespace).withName(ref.name()).get();
            case SERVICE -> client.services().inNamespace(namespace).withName(ref.name()).get();
            case PERSISTENT_VOLUME_CLAIM -> client.persistentVolumeClaims().inNamespace(namespace).withName(ref.name()).get();
        };
        if (current == null || !isManaged(current)) {
            return Outcome.NOOP;
        }
        client.resource(current).delete();
        return Outcome.DELETED;
    }

    /** Every Deployment, Service and PersistentVolumeClaim in the namespace that carries the managed-by label. */
    public List<ObjectRef> listManaged() {
        listedVersions.clear();
        List<ObjectRef> refs = new ArrayList<>();
        for (Deployment d : client.apps().deployments().inNamespace(namespace)
                .withLabel(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE).list().getItems()) {
            refs.add(ref(ObjectRef.Kind.DEPLOYMENT, d));
        }
        for (Service s : client.services().inNamespace(namespace)
                .withLabel(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE).list().getItems()) {
            refs.add(ref(ObjectRef.Kind.SERVICE, s));
        }
        for (PersistentVolumeClaim c : client.persistentVolumeClaims().inNamespace(namespace)
                .withLabel(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE).list().getItems()) {
            refs.add(ref(ObjectRef.Kind.PERSISTENT_VOLUME_CLAIM, c));
        }
        return refs;
    }

    public Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    private ObjectRef ref(ObjectRef.Kind kind, HasMetadata object) {
        listedVersions.put(key(KINDS.get(kind), object.getMetadata().getName()),
                String.valueOf(object.getMetadata().getResourceVersion()));
        String workload = object.getMetadata().getLabels().get(ManagedLabels.WORKLOAD);
        return new ObjectRef(kind, object.getMetadata().getName(), workload);
    }

    private static final Map<ObjectRef.Kind, String> KINDS = Map.of(ObjectRef.Kind.DEPLOYMENT, "Deployment",
            ObjectRef.Kind.SERVICE, "Service", ObjectRef.Kind.PERSISTENT_VOLUME_CLAIM, "PersistentVolumeClaim");

    private static String key(String kind, String name) {
        return kind + "/" + name;
    }

    static boolean isManaged(HasMetadata object) {
        return object.getMetadata().getLabels() != null
                && ManagedLabels.MANAGED_BY_VALUE.equals(object.getMetadata().getLabels().get(ManagedLabels.MANAGED_BY));
    }
}
