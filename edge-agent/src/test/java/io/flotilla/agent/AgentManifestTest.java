package io.flotilla.agent;

import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.flotilla.agent.probe.LatencyProber;
import io.flotilla.agent.reconcile.ClusterReconciler;
import io.flotilla.agent.reconcile.ManagedObjectWatch;
import io.flotilla.agent.reconcile.PodSecurityLevel;
import io.flotilla.agent.reconcile.ReconcileTarget;
import io.flotilla.agent.telemetry.GpuSampler;
import io.flotilla.agent.telemetry.NodeSampler;
import io.flotilla.agent.telemetry.TelemetryCollector;
import io.flotilla.proto.v1.ModelCache;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's RBAC in deploy/agent/flotilla-agent.yaml: exactly the verbs its code uses (read from its
 * fabric8 calls), nothing wildcarded, bound only to its service account; and every request the agent's
 * reconcile, drift watch and telemetry send is one those rules allow.
 */
@EnableKubernetesMockClient(crud = true)
class AgentManifestTest {

    private static final String NAMESPACE = "flotilla-workloads";
    private static final String AGENT = "flotilla-agent";

    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path proc;

    private static List<HasMetadata> manifest() throws IOException {
        Path file = Path.of(System.getProperty("flotilla.repo.root", ".."), "deploy", "agent", "flotilla-agent.yaml");
        Object parsed = new KubernetesSerialization().unmarshal(Files.readString(file));
        return ((List<?>) parsed).stream().map(HasMetadata.class::cast).toList();
    }

    private static <T extends HasMetadata> List<T> all(Class<T> kind) throws IOException {
        return manifest().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** One entry per resource and verb: "group/resource verb", with "[names]" when the rule names objects. */
    private static Set<String> grants(List<PolicyRule> rules) {
        var grants = new TreeSet<String>();
        for (PolicyRule rule : rules) {
            String names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? ""
                    : " " + rule.getResourceNames();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        grants.add(group + "/" + resource + " " + verb + names);
                    }
                }
            }
        }
        return grants;
    }

    @Test
    void theSecretHoldsOnlyWhatEnrollmentNeedsInLinesTheControlPlaneCanFillIn() throws IOException {
        Secret secret = all(Secret.class).getFirst();
        List<String> keys = List.of("FLOTILLA_AGENT_CLUSTER_ID", "FLOTILLA_AGENT_CONTROL_PLANE_URL",
                "FLOTILLA_AGENT_BOOTSTRAP_TOKEN");
        String text = Files.readString(Path.of(System.getProperty("flotilla.repo.root", ".."), "deploy", "agent",
                "flotilla-agent.yaml"));

        assertThat(all(Secret.class)).hasSize(1);
        assertThat(secret.getStringData()).containsOnlyKeys(keys.toArray(String[]::new));
        // the control plane fills each value in with this pattern, one line per key
        assertThat(keys).allSatisfy(key -> assertThat(java.util.regex.Pattern
                .compile("^(\\s+" + key + ":\\s*)\".*\"\\s*$", java.util.regex.Pattern.MULTILINE)
                .matcher(text).results().count()).isEqualTo(1));
    }

    @Test
    void theAgentsStateDirectoryIsAVolumeThatOutlivesThePod() throws IOException {
        Deployment deployment = all(Deployment.class).getFirst();
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        String stateDir = container.getEnv().stream().filter(e -> e.getName().equals("FLOTILLA_AGENT_STATE_DIR"))
                .findFirst().orElseThrow().getValue();

        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo(stateDir);
            assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                    .filteredOn(v -> v.getName().equals(m.getName()))
                    .singleElement()
                    .satisfies(v -> assertThat(v.getHostPath()).isNotNull());
        });
    }

    @Test
    void theRoleInTheWorkloadNamespaceGrantsExactlyWhatTheAgentDoesToItsWorkloads() throws IOException {
        Role role = all(Role.class).getFirst();

        assertThat(all(Role.class)).hasSize(1);
        assertThat(role.getMetadata().getName()).isEqualTo(AGENT);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(grants(role.getRules())).containsExactly(
                "/persistentvolumeclaims create",
                "/persistentvolumeclaims delete",
                "/persistentvolumeclaims get",
                "/persistentvolumeclaims list",
                "/persistentvolumeclaims patch",
                "/services create",
                "/services delete",
                "/services get",
                "/services list",
                "/services patch",
                "/services watch",
                "apps/deployments create",
                "apps/deployments delete",
                "apps/deployments get",
                "apps/deployments list",
                "apps/deployments patch",
                "apps/deployments watch");
    }

    @Test
    void theClusterRoleGrantsOnlyNodesAndTheAgentsOwnNamespace() throws IOException {
        ClusterRole role = all(ClusterRole.class).getFirst();

        assertThat(all(ClusterRole.class)).hasSize(1);
        assertThat(role.getMetadata().getName()).isEqualTo(AGENT);
        assertThat(role.getAggregationRule()).isNull();
        assertThat(grants(role.getRules())).containsExactly(
                "/namespaces create [flotilla-workloads]",
                "/namespaces get [flotilla-workloads]",
                "/namespaces patch [flotilla-workloads]",
                "/nodes list");
    }

    @Test
    void noRuleUsesAWildcard() throws IOException {
        List<PolicyRule> rules = Stream.concat(all(Role.class).stream().flatMap(r -> r.getRules().stream()),
                all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream())).toList();

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getVerbs()).isNotEmpty().doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).isNotEmpty().noneMatch(r -> r.contains("*"));
            assertThat(rule.getResourceNames()).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
    }

    @Test
    void theRolesAreBoundToTheAgentsServiceAccountAloneWhichItsPodUses() throws IOException {
        Subject agent = new SubjectBuilder().withKind("ServiceAccount").withName(AGENT).withNamespace("flotilla-system").build();

        assertThat(all(RoleBinding.class)).singleElement().satisfies(b -> {
            assertThat(b.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
            assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(b.getRoleRef().getName()).isEqualTo(AGENT);
            assertThat(b.getSubjects()).containsExactly(agent);
        });
        assertThat(all(ClusterRoleBinding.class)).singleElement().satisfies(b -> {
            assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
            assertThat(b.getRoleRef().getName()).isEqualTo(AGENT);
            assertThat(b.getSubjects()).containsExactly(agent);
        });
        assertThat(all(ServiceAccount.class)).singleElement()
                .satisfies(sa -> assertThat(sa.getMetadata().getNamespace()).isEqualTo("flotilla-system"));
        assertThat(all(Deployment.class)).singleElement().satisfies(d ->
                assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(AGENT));
    }

    @Test
    void everyRequestOfReconcilePruneDriftWatchAndTelemetryIsAllowedByTheManifest() throws Exception {
        drain();
        // the install manifest creates the namespace before the agent starts
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build()).create();
        drain();
        Files.writeString(proc.resolve("stat"), "cpu  100 0 100 800 0 0 0 0 0 0\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 4000 kB\nMemAvailable: 1000 kB\n");

        var requests = new ArrayList<Request>();
        var reconciler = new ClusterReconciler(client, new ReconcileTarget("edge-1", NAMESPACE));
        try (var watch = new ManagedObjectWatch(client, NAMESPACE, () -> { }, () -> { })) {
            watch.start();
            reconciler.reconcile(desired(1, workload("chat").setModelCache(ModelCache.newBuilder().setSize("10Gi")),
                    workload("embed")));
            reconciler.reconcile(desired(2, workload("chat").setReplicas(2)));
            new ClusterReconciler(client, new ReconcileTarget("edge-1", NAMESPACE, PodSecurityLevel.RESTRICTED))
                    .reconcile(desired(3, workload("chat")));
            new TelemetryCollector("edge-1", new NodeSampler(proc, Optional.empty()), client, GpuSampler.none(),
                    Optional::empty, w -> Optional.empty(), HttpClient.newHttpClient(), new LatencyProber(Map.of(), 100),
                    Clock.systemUTC()).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                requests.addAll(drain());
                return requests.stream().filter(r -> r.verb().equals("watch")).count() >= 2;
            });
        }
        requests.addAll(drain());

        assertThat(requests).as("the paths this test means to exercise").extracting(Request::toString).contains(
                "GET namespaces/flotilla-workloads (get)",
                "PATCH namespaces/flotilla-workloads (patch)",
                "GET nodes (list)",
                "GET flotilla-workloads apps/deployments (watch)",
                "GET flotilla-workloads services (watch)",
                "DELETE flotilla-workloads apps/deployments/embed (delete)",
                "DELETE flotilla-workloads persistentvolumeclaims/chat-model-cache (delete)");
        List<PolicyRule> namespaced = all(Role.class).getFirst().getRules();
        List<PolicyRule> clusterWide = all(ClusterRole.class).getFirst().getRules();
        assertThat(requests.stream().filter(r -> !allowed(r, namespaced, clusterWide)).map(Request::toString).toList())
                .as("requests the manifest's RBAC would refuse").isEmpty();
    }

    /** One API request as RBAC sees it: verb, group, resource, and the namespace and name when there are any. */
    private record Request(String method, String namespace, String group, String resource, String name, String verb) {
        static Request of(RecordedRequest r) {
            String[] pathAndQuery = r.getPath().split("\\?", 2);
            String query = pathAndQuery.length > 1 ? pathAndQuery[1] : "";
            List<String> segments = Arrays.asList(pathAndQuery[0].substring(1).split("/"));
            String group = segments.get(0).equals("api") ? "" : segments.get(1);
            List<String> rest = segments.subList(segments.get(0).equals("api") ? 2 : 3, segments.size());
            String namespace = null;
            if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
                namespace = rest.get(1);
                rest = rest.subList(2, rest.size());
            }
            String name = rest.size() > 1 ? rest.get(1) : null;
            String verb = switch (r.getMethod()) {
                case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
                case "POST" -> "create";
                case "PATCH" -> "patch";
                case "PUT" -> "update";
                case "DELETE" -> name != null ? "delete" : "deletecollection";
                default -> r.getMethod();
            };
            return new Request(r.getMethod(), namespace, group, rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : ""), name, verb);
        }

        @Override
        public String toString() {
            return method + " " + (namespace == null ? "" : namespace + " ") + (group.isEmpty() ? "" : group + "/") + resource
                    + (name == null ? "" : "/" + name) + " (" + verb + ")";
        }
    }

    /** Namespaced requests need the Role (bound only in the workload namespace); cluster-scoped ones the ClusterRole. */
    private static boolean allowed(Request r, List<PolicyRule> namespaced, List<PolicyRule> clusterWide) {
        List<PolicyRule> rules = r.namespace() == null ? clusterWide : NAMESPACE.equals(r.namespace()) ? namespaced : List.of();
        return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(r.group())
                && rule.getResources().contains(r.resource())
                && rule.getVerbs().contains(r.verb())
                && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        || r.name() != null && rule.getResourceNames().contains(r.name())));
    }

    private List<Request> drain() throws InterruptedException {
        var requests = new ArrayList<Request>();
        RecordedRequest r;
        while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            requests.add(Request.of(r));
        }
        return requests;
    }
}
