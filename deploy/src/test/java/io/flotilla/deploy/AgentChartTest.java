package io.flotilla.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/helm/flotilla-agent rendered with each example of its ci/ folder (token as a value with state on the node;
 * token from a Secret with state on a PVC; a pinned control-plane CA with a broker URL override), against the plain
 * manifest deploy/agent/flotilla-agent.yaml it mirrors: the same RBAC, rule for rule.
 */
class AgentChartTest {

    private static final HelmChart CHART = new HelmChart("flotilla-agent", "flotilla-agent", "flotilla-system");
    private static final String TOKEN_VALUE = "token-value-values.yaml";
    private static final String EXISTING_SECRET_PVC = "existing-secret-pvc-values.yaml";
    private static final String PINNED_CA_BROKER = "pinned-ca-broker-values.yaml";

    private static Rendered manifest() throws IOException {
        return HelmChart.manifest(HelmChart.repoFile("deploy", "agent", "flotilla-agent.yaml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {TOKEN_VALUE, EXISTING_SECRET_PVC, PINNED_CA_BROKER})
    void lintsWithoutFindings(String example, @TempDir Path workDir) throws IOException {
        var lint = CHART.lint(example, workDir);

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {TOKEN_VALUE, EXISTING_SECRET_PVC})
    void grantsExactlyThePlainManifestsRules(String example) throws IOException {
        Rendered chart = CHART.render(example);
        Rendered manifest = manifest();

        assertThat(rules(chart.one(Role.class).getRules())).isEqualTo(rules(manifest.one(Role.class).getRules()));
        assertThat(chart.one(Role.class).getMetadata().getNamespace()).isEqualTo("flotilla-workloads");
        assertThat(rules(chart.one(ClusterRole.class).getRules()))
                .isEqualTo(rules(manifest.one(ClusterRole.class).getRules()));
        assertThat(chart.one(RoleBinding.class).getSubjects()).isEqualTo(manifest.one(RoleBinding.class).getSubjects());
        assertThat(chart.one(ClusterRoleBinding.class).getSubjects())
                .isEqualTo(manifest.one(ClusterRoleBinding.class).getSubjects());
    }

    /** Rules compared as written, apart from the order of their verbs. */
    private static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().map(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getResourceNames() + " "
                + r.getVerbs().stream().sorted().toList()).toList();
    }

    @Test
    void bindsItsRolesToItsOwnServiceAccount() {
        Rendered r = CHART.render(TOKEN_VALUE);

        String account = r.pod().getServiceAccountName();
        assertThat(r.one(RoleBinding.class).getRoleRef().getName()).isEqualTo(r.one(Role.class).getMetadata().getName());
        assertThat(r.one(ClusterRoleBinding.class).getRoleRef().getName())
                .isEqualTo(r.one(ClusterRole.class).getMetadata().getName());
        assertThat(r.one(RoleBinding.class).getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo(account));
    }

    @Test
    void aTokenGivenAsAValueIsPutInASecretAndReadFromIt() {
        Rendered r = CHART.render(TOKEN_VALUE);

        Secret secret = r.one(Secret.class);
        String token = new String(Base64.getDecoder().decode(secret.getData().get("bootstrap-token")), StandardCharsets.UTF_8);
        assertThat(token).isEqualTo("fbt_example-single-use-token");
        assertThat(r.envSecret("FLOTILLA_AGENT_BOOTSTRAP_TOKEN"))
                .isEqualTo(secret.getMetadata().getName() + "/bootstrap-token");
        assertThat(r.envValue("FLOTILLA_AGENT_CLUSTER_ID")).isEqualTo("frankfurt-1");
        assertThat(r.envValue("FLOTILLA_AGENT_CONTROL_PLANE_URL")).isEqualTo("https://flotilla.example.com");
        r.assertNoSecretInPlainEnv();
    }

    @Test
    void runsOneHardenedAgentThatIsReplacedNotRolled() {
        Rendered r = CHART.render(TOKEN_VALUE);

        var deployment = r.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(r.container().getImage()).isEqualTo("ghcr.io/flotilla/edge-agent:0.1.0");
        assertThat(r.volumeAt("/tmp").getEmptyDir()).isNotNull();
        r.assertHardened();
    }

    @Test
    void keepsItsStateOnTheNodeAsThePlainManifestDoesByDefault() throws IOException {
        Rendered r = CHART.render(TOKEN_VALUE);
        Rendered manifest = manifest();

        String stateDir = r.envValue("FLOTILLA_AGENT_STATE_DIR");
        assertThat(stateDir).isEqualTo(manifest.envValue("FLOTILLA_AGENT_STATE_DIR"));
        assertThat(r.volumeAt(stateDir).getHostPath()).isEqualTo(manifest.volumeAt(stateDir).getHostPath());
        assertThat(r.volumeAt("/host/proc").getHostPath()).isEqualTo(manifest.volumeAt("/host/proc").getHostPath());
        assertThat(r.envValue("FLOTILLA_AGENT_TELEMETRY_PROC_ROOT")).isEqualTo("/host/proc");
        assertThat(r.container().getResources()).isEqualTo(manifest.container().getResources());
        assertThat(r.envValue("JAVA_TOOL_OPTIONS")).isEqualTo(manifest.envValue("JAVA_TOOL_OPTIONS"));
    }

    @Test
    void opensTheTelemetryProbePortAsThePlainManifestDoes() throws IOException {
        Rendered r = CHART.render(TOKEN_VALUE);

        assertThat(r.container().getPorts()).isEqualTo(manifest().container().getPorts());
        assertThat(r.envValue("FLOTILLA_AGENT_TELEMETRY_PROBE_LISTEN"))
                .isEqualTo(manifest().envValue("FLOTILLA_AGENT_TELEMETRY_PROBE_LISTEN"));
    }

    @Test
    void peersReachTheProbePortThroughANodePortWhenAsked() {
        assertThat(CHART.render(TOKEN_VALUE).all(Service.class)).isEmpty();

        var port = CHART.render(EXISTING_SECRET_PVC).one(Service.class).getSpec().getPorts().getFirst();
        assertThat(port.getNodePort()).isEqualTo(30477);
        assertThat(port.getTargetPort().getStrVal()).isEqualTo("probe");
    }

    @Test
    void anExistingSecretAndAClaimKeepTheTokenAndTheStateOutOfTheRelease() {
        Rendered r = CHART.render(EXISTING_SECRET_PVC);

        assertThat(r.all(Secret.class)).isEmpty();
        assertThat(r.envSecret("FLOTILLA_AGENT_BOOTSTRAP_TOKEN")).isEqualTo("flotilla-agent-token/token");
        var claim = r.one(PersistentVolumeClaim.class);
        assertThat(claim.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(r.volumeAt("/var/lib/flotilla-agent").getPersistentVolumeClaim().getClaimName())
                .isEqualTo(claim.getMetadata().getName());
        assertThat(r.envValue("FLOTILLA_AGENT_TELEMETRY_GPU_SOURCE")).isEqualTo("dcgm");
        assertThat(r.envValue("FLOTILLA_AGENT_TELEMETRY_PEERS")).isEqualTo("frankfurt-1=10.0.4.7:9477,paris-1=10.0.5.9:9477");
    }

    @Test
    void aPinnedControlPlaneCaAndABrokerOverrideAreHandedToTheAgent() {
        Rendered r = CHART.render(PINNED_CA_BROKER);

        assertThat(r.envValue("FLOTILLA_AGENT_CONTROL_PLANE_CA")).isEqualTo("/etc/flotilla-agent/control-plane-ca/ca.crt");
        assertThat(r.volumeAt("/etc/flotilla-agent/control-plane-ca").getSecret().getSecretName())
                .isEqualTo("flotilla-control-plane-ca");
        assertThat(r.envValue("FLOTILLA_AGENT_BROKER_URL")).isEqualTo("ssl://127.0.0.1:18883");
        assertThat(r.envValue("FLOTILLA_AGENT_POD_SECURITY_LEVEL")).isEqualTo("restricted");
    }

    @Test
    void anotherWorkloadNamespaceMovesTheRoleAndTheClusterRolesNameWithIt() {
        Rendered r = CHART.render(PINNED_CA_BROKER);

        assertThat(List.of(r.envValue("FLOTILLA_AGENT_NAMESPACE"), r.one(Namespace.class).getMetadata().getName(),
                r.one(Role.class).getMetadata().getNamespace(), r.one(RoleBinding.class).getMetadata().getNamespace()))
                .containsOnly("inference");
        assertThat(r.one(ClusterRole.class).getRules()).filteredOn(rule -> rule.getResources().contains("namespaces"))
                .singleElement().satisfies(rule -> assertThat(rule.getResourceNames()).containsExactly("inference"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            no cluster id         | clusterId=                                                         | must be the cluster's id
            a cluster id in caps  | clusterId=Frankfurt                                                | Frankfurt
            no token              | clusterId=a,controlPlaneUrl=https://cp                             | needs its bootstrap token
            two tokens            | clusterId=a,bootstrapToken.value=t,bootstrapToken.existingSecret=s | not both
            a port as text        | telemetry.probePort=probe                                          | at '/telemetry/probePort'
            an unknown state type | state.type=emptyDir                                                | at '/state/type'
            a GPU source          | telemetry.gpuSource=rocm                                           | at '/telemetry/gpuSource'
            """)
    void refusesWhatCannotRun(String what, String values, String message) {
        CHART.assertRenderFails(values, message);
    }
}
