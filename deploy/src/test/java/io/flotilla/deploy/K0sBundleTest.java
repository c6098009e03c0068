package io.flotilla.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k0s/k0s.yaml, the k0s configuration of docs/edge-k0s.md: its agent extension names the chart archive that
 * the deploy module packages, and its values, filled in as the guide says, render through the agent chart into an
 * agent for that cluster that reads its token from the Secret {@code fleetctl enroll -o k0s} writes.
 */
class K0sBundleTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final HelmChart CHART = new HelmChart("flotilla-agent", "flotilla-agent", "flotilla-system");

    private static JsonNode agentExtension() throws IOException {
        JsonNode charts = YAML.readTree(HelmChart.repoFile("deploy", "k0s", "k0s.yaml").toFile())
                .path("spec").path("extensions").path("helm").path("charts");
        for (JsonNode chart : charts) {
            if (chart.path("name").asText().equals("flotilla-agent")) {
                return chart;
            }
        }
        throw new AssertionError("deploy/k0s/k0s.yaml has no flotilla-agent chart");
    }

    @Test
    void namesTheArchiveOfTheAgentChartsVersion() throws IOException {
        String version = YAML.readTree(HelmChart.repoFile("deploy", "helm", "flotilla-agent", "Chart.yaml").toFile())
                .path("version").asText();

        JsonNode extension = agentExtension();

        assertThat(extension.path("version").asText()).isEqualTo(version);
        assertThat(extension.path("chartname").asText()).isEqualTo("/var/lib/k0s/charts/flotilla-agent-" + version + ".tgz");
        assertThat(extension.path("namespace").asText()).isEqualTo("flotilla-system");
    }

    @Test
    void itsValuesFilledInRenderAnAgentForTheClusterWithTheEnrollmentsSecret(@TempDir Path tmp) throws IOException {
        String values = agentExtension().path("values").asText();
        assertThat(values).contains("clusterId: CHANGE-ME", "controlPlaneUrl: CHANGE-ME");
        Path filled = Files.writeString(tmp.resolve("values.yaml"), values
                .replace("clusterId: CHANGE-ME", "clusterId: \"edge-fra-1\"")
                .replace("controlPlaneUrl: CHANGE-ME", "controlPlaneUrl: \"https://flotilla.example.com\""));

        Rendered agent = CHART.render(filled, Map.of());

        assertThat(agent.envValue("FLOTILLA_AGENT_CLUSTER_ID")).isEqualTo("edge-fra-1");
        assertThat(agent.envValue("FLOTILLA_AGENT_CONTROL_PLANE_URL")).isEqualTo("https://flotilla.example.com");
        assertThat(agent.envSecret("FLOTILLA_AGENT_BOOTSTRAP_TOKEN")).isEqualTo("flotilla-agent-bootstrap/bootstrap-token");
        assertThat(agent.envValue("FLOTILLA_AGENT_TELEMETRY_GPU_SOURCE")).isEqualTo("dcgm");
        assertThat(agent.envValue("FLOTILLA_AGENT_TELEMETRY_DCGM_URL"))
                .isEqualTo("http://nvidia-dcgm-exporter.gpu-operator.svc:9400/metrics");
    }
}
