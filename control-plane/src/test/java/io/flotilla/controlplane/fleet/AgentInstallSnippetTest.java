package io.flotilla.controlplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class AgentInstallSnippetTest {

    private static final AgentInstallSnippet.Settings SETTINGS = new AgentInstallSnippet.Settings("edge-fra-1",
            "https://flotilla.example.net", "flb_s3cr'et");

    private static String deployedManifest() throws Exception {
        return Files.readString(Path.of("..", "deploy", "agent", "flotilla-agent.yaml"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> secret(String manifest) {
        Iterable<Object> docs = new Load(LoadSettings.builder().build()).loadAllFromString(manifest);
        return StreamSupport.stream(docs.spliterator(), false).map(d -> (Map<String, Object>) d)
                .filter(d -> "Secret".equals(d.get("kind"))).findFirst().orElseThrow();
    }

    @Test
    void fillsEverySettingOfTheDeployedManifestsSecret() throws Exception {
        AgentInstallSnippet.Snippet s = AgentInstallSnippet.render(deployedManifest(), SETTINGS);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) secret(s.manifest()).get("stringData");
        assertThat(data).containsExactlyInAnyOrderEntriesOf(Map.of(
                "FLOTILLA_AGENT_CLUSTER_ID", "edge-fra-1",
                "FLOTILLA_AGENT_CONTROL_PLANE_URL", "https://flotilla.example.net",
                "FLOTILLA_AGENT_BOOTSTRAP_TOKEN", "flb_s3cr'et"));
        assertThat(s.manifest()).doesNotContain("CHANGE-ME").contains("kind: Deployment");
        assertThat(s.script()).contains(s.manifest()).contains(AgentInstallSnippet.MANIFEST_PATH).contains(s.startCommand());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theK0sHelmBundleCarriesTheTokenInASecretAndTheSettingsInTheExtensionsValues() throws Exception {
        String bundle = AgentInstallSnippet.render(deployedManifest(), SETTINGS).k0sHelm();

        List<String> heredocs = heredocs(bundle);
        assertThat(heredocs).hasSize(2);
        Map<String, Object> secret = secret(heredocs.get(0));
        assertThat(secret.get("stringData")).isEqualTo(Map.of("bootstrap-token", "flb_s3cr'et"));
        List<Map<String, Object>> extension = (List<Map<String, Object>>) new Load(LoadSettings.builder().build())
                .loadFromString(heredocs.get(1));
        assertThat(extension).singleElement().satisfies(chart -> {
            assertThat(chart).containsEntry("chartname", AgentInstallSnippet.K0S_CHART_PATH)
                    .containsEntry("version", AgentInstallSnippet.AGENT_CHART_VERSION).containsEntry("namespace", "flotilla-system");
            Map<String, Object> values = (Map<String, Object>) new Load(LoadSettings.builder().build())
                    .loadFromString((String) chart.get("values"));
            assertThat(values).isEqualTo(Map.of("clusterId", "edge-fra-1", "controlPlaneUrl", "https://flotilla.example.net",
                    "bootstrapToken", Map.of("existingSecret", ((Map<String, Object>) secret.get("metadata")).get("name"))));
        });
        assertThat(bundle).contains("sudo install -m 600 /dev/null " + AgentInstallSnippet.K0S_BOOTSTRAP_SECRET_PATH);
    }

    @Test
    void theK0sBundleNamesTheAgentChartsVersion() throws Exception {
        Object chart = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("..", "deploy", "helm", "flotilla-agent", "Chart.yaml")));

        assertThat(((Map<?, ?>) chart).get("version")).isEqualTo(AgentInstallSnippet.AGENT_CHART_VERSION);
    }

    /** The bodies of the snippet's {@code <<'FLOTILLA_EOF'} here-documents. */
    private static List<String> heredocs(String script) {
        var bodies = new ArrayList<String>();
        var m = Pattern.compile("<<'FLOTILLA_EOF'\n(.*?)^FLOTILLA_EOF$",
                Pattern.DOTALL | Pattern.MULTILINE).matcher(script);
        while (m.find()) {
            bodies.add(m.group(1));
        }
        return bodies;
    }

    @Test
    void theStartCommandIsOneShellLineWithQuotedValues() {
        AgentInstallSnippet.Snippet s = AgentInstallSnippet.render("""
                stringData:
                  FLOTILLA_AGENT_CLUSTER_ID: "x"
                  FLOTILLA_AGENT_CONTROL_PLANE_URL: "x"
                  FLOTILLA_AGENT_BOOTSTRAP_TOKEN: "x"
                """, SETTINGS);
        assertThat(s.startCommand()).doesNotContain("\n")
                .startsWith("FLOTILLA_AGENT_CLUSTER_ID='edge-fra-1' ")
                .contains("FLOTILLA_AGENT_BOOTSTRAP_TOKEN='flb_s3cr'\\''et' ")
                .endsWith(AgentInstallSnippet.DEVICE_COMMAND);
    }

    @Test
    void aTemplateWithoutOneOfTheSettingsIsRefused() {
        assertThatThrownBy(() -> AgentInstallSnippet.render("stringData:\n  FLOTILLA_AGENT_CLUSTER_ID: \"x\"\n", SETTINGS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FLOTILLA_AGENT_CONTROL_PLANE_URL");
    }
}
