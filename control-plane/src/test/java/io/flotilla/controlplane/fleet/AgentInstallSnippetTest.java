package io.flotilla.controlplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class AgentInstallSnippetTest {

    private static final AgentInstallSnippet.Settings SETTINGS = new AgentInstallSnippet.Settings("edge-fra-1",
            "ssl://mqtt.example.net:8883", "flc_s3cr'et", "MCowBQYDK2VwAyEA");

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
        AgentInstallSnippet.Snippet s = AgentInstallSnippet.render(deployedManifest(), SETTINGS, new SecureRandom());
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) secret(s.manifest()).get("stringData");
        assertThat(data).containsExactlyInAnyOrderEntriesOf(Map.of(
                "FLOTILLA_AGENT_CLUSTER_ID", "edge-fra-1",
                "FLOTILLA_AGENT_BROKER_URL", "ssl://mqtt.example.net:8883",
                "FLOTILLA_AGENT_BROKER_USERNAME", "edge-fra-1",
                "FLOTILLA_AGENT_BROKER_PASSWORD", "flc_s3cr'et",
                "FLOTILLA_AGENT_CONTROL_PLANE_KEY", "MCowBQYDK2VwAyEA"));
        assertThat(s.manifest()).doesNotContain("CHANGE-ME").contains("kind: Deployment");
        assertThat(s.script()).contains(s.manifest()).contains(AgentInstallSnippet.MANIFEST_PATH).contains(s.startCommand());
    }

    @Test
    void theStartCommandIsOneShellLineWithQuotedValues() {
        AgentInstallSnippet.Snippet s = AgentInstallSnippet.render("""
                stringData:
                  FLOTILLA_AGENT_CLUSTER_ID: "x"
                  FLOTILLA_AGENT_BROKER_URL: "x"
                  FLOTILLA_AGENT_BROKER_USERNAME: "x"
                  FLOTILLA_AGENT_BROKER_PASSWORD: "x"
                  FLOTILLA_AGENT_CONTROL_PLANE_KEY: "x"
                """, SETTINGS, new SecureRandom());
        assertThat(s.startCommand()).doesNotContain("\n")
                .startsWith("FLOTILLA_AGENT_CLUSTER_ID='edge-fra-1' ")
                .contains("FLOTILLA_AGENT_BROKER_PASSWORD='flc_s3cr'\\''et' ")
                .endsWith(AgentInstallSnippet.DEVICE_COMMAND);
    }

    @Test
    void aTemplateWithoutOneOfTheSettingsIsRefused() {
        assertThatThrownBy(() -> AgentInstallSnippet.render("stringData:\n  FLOTILLA_AGENT_CLUSTER_ID: \"x\"\n", SETTINGS,
                new SecureRandom())).isInstanceOf(IllegalStateException.class).hasMessageContaining("FLOTILLA_AGENT_BROKER_URL");
    }

    @Test
    void theBrokerPasswordLineIsAMosquittoPbkdf2HashOfThePassword() throws Exception {
        AgentInstallSnippet.Snippet s = AgentInstallSnippet.render(deployedManifest(), SETTINGS, new SecureRandom());
        List<String> parts = List.of(s.brokerPasswordLine().split("\\$"));
        assertThat(parts.get(0)).isEqualTo("edge-fra-1:");
        assertThat(parts.subList(1, 3)).containsExactly("7", "101");
        byte[] salt = Base64.getDecoder().decode(parts.get(3));
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec("flc_s3cr'et".toCharArray(), salt, 101, 512)).getEncoded();
        assertThat(Base64.getDecoder().decode(parts.get(4))).isEqualTo(expected);
        assertThat(s.brokerPasswordLine()).doesNotContain("s3cr");
    }
}
