package io.flotilla.controlplane.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an enrolled cluster's operator runs: the agent's k0s manifest from deploy/agent with its Secret filled
 * in (cluster id, control-plane URL, one-time bootstrap token), the same agent as a k0s Helm extension of the chart
 * deploy/helm/flotilla-agent, and the device distribution's one-line start command with the same settings. Pure: the
 * manifest template and the values come in, text goes out.
 */
public final class AgentInstallSnippet {

    /** Where k0s's manifest deployer picks the manifest up on a controller node. */
    public static final String MANIFEST_PATH = "/var/lib/k0s/manifests/flotilla/flotilla-agent.yaml";
    /** The version of deploy/helm/flotilla-agent that the k0s bundle names (its Chart.yaml, checked by a test). */
    public static final String AGENT_CHART_VERSION = "0.1.0";
    /** Where the agent chart's archive goes on a k0s controller node, for the Helm extension. */
    public static final String K0S_CHART_PATH = "/var/lib/k0s/charts/flotilla-agent-" + AGENT_CHART_VERSION + ".tgz";
    /** The Helm-extension bundle's bootstrap Secret, kept applied by k0s's manifest deployer. */
    public static final String K0S_BOOTSTRAP_SECRET_PATH = "/var/lib/k0s/manifests/flotilla/flotilla-agent-bootstrap.yaml";
    /** The extension entry the bundle writes, for merging into /etc/k0s/k0s.yaml. */
    public static final String K0S_EXTENSION_PATH = "/etc/k0s/flotilla-agent-extension.yaml";
    /** Where the device distribution is unpacked (edge-agent/README.md). */
    public static final String DEVICE_COMMAND = "/opt/flotilla-agent/bin/flotilla-agent";

    /** The agent's settings: each becomes one key of the Secret and one variable of the start command. */
    public record Settings(String clusterId, String controlPlaneUrl, String bootstrapToken) {

        Map<String, String> environment() {
            var env = new LinkedHashMap<String, String>();
            env.put("FLOTILLA_AGENT_CLUSTER_ID", clusterId);
            env.put("FLOTILLA_AGENT_CONTROL_PLANE_URL", controlPlaneUrl);
            env.put("FLOTILLA_AGENT_BOOTSTRAP_TOKEN", bootstrapToken);
            return env;
        }
    }

    /**
     * @param manifest the k0s manifest, its Secret filled in
     * @param startCommand one line that starts the device distribution with the same settings
     * @param script all of it as one shell snippet to copy
     * @param k0sHelm the agent as a k0s Helm extension: a shell snippet that writes the bootstrap Secret for the
     *        manifest deployer, places the chart archive and writes the extension entry for k0s.yaml
     */
    public record Snippet(Settings settings, String manifest, String startCommand, String script, String k0sHelm) {
    }

    private AgentInstallSnippet() {
    }

    /** Fills the template's Secret; fails when the template lacks one of the agent's settings (it changed shape). */
    public static Snippet render(String template, Settings settings) {
        String manifest = template;
        for (var e : settings.environment().entrySet()) {
            Matcher m = Pattern.compile("(?m)^(\\s+" + e.getKey() + ":\\s*)\".*\"\\s*$").matcher(manifest);
            if (!m.find()) {
                throw new IllegalStateException("the agent manifest has no Secret entry " + e.getKey());
            }
            manifest = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + yamlQuoted(e.getValue())));
        }
        var command = new StringBuilder();
        settings.environment().forEach((k, v) -> command.append(k).append('=').append(shellQuoted(v)).append(' '));
        command.append(DEVICE_COMMAND);
        String script = "# Cluster " + settings.clusterId() + ". The bootstrap token is shown once and works once: the agent\n"
                + "# exchanges it for its own credentials on its first start.\n"
                + "# On a k0s controller node:\n"
                + "sudo mkdir -p " + MANIFEST_PATH.substring(0, MANIFEST_PATH.lastIndexOf('/')) + "\n"
                + "sudo tee " + MANIFEST_PATH + " > /dev/null <<'FLOTILLA_EOF'\n"
                + manifest + (manifest.endsWith("\n") ? "" : "\n")
                + "FLOTILLA_EOF\n"
                + "# Or on a device without Kubernetes, with the device distribution unpacked in /opt/flotilla-agent:\n"
                + "# " + command + "\n";
        return new Snippet(settings, manifest, command.toString(), script, k0sHelm(settings));
    }

    private static String k0sHelm(Settings settings) {
        String manifestDir = K0S_BOOTSTRAP_SECRET_PATH.substring(0, K0S_BOOTSTRAP_SECRET_PATH.lastIndexOf('/'));
        return "# Cluster " + settings.clusterId() + ": the agent as a k0s Helm extension. The bootstrap token is shown once\n"
                + "# and works once. On the k0s controller node:\n"
                + "# 1. the token as a Secret, which k0s's manifest deployer applies and keeps applied\n"
                + "sudo mkdir -p " + manifestDir + "\n"
                + "sudo install -m 600 /dev/null " + K0S_BOOTSTRAP_SECRET_PATH + "\n"
                + "sudo tee " + K0S_BOOTSTRAP_SECRET_PATH + " > /dev/null <<'FLOTILLA_EOF'\n"
                + "apiVersion: v1\n"
                + "kind: Namespace\n"
                + "metadata:\n"
                + "  name: flotilla-system\n"
                + "  labels:\n"
                + "    app.kubernetes.io/part-of: flotilla\n"
                + "---\n"
                + "apiVersion: v1\n"
                + "kind: Secret\n"
                + "metadata:\n"
                + "  name: flotilla-agent-bootstrap\n"
                + "  namespace: flotilla-system\n"
                + "type: Opaque\n"
                + "stringData:\n"
                + "  bootstrap-token: " + yamlQuoted(settings.bootstrapToken()) + "\n"
                + "FLOTILLA_EOF\n"
                + "# 2. the agent chart's archive, from ./flotilla mvn -pl deploy -am package -DskipTests\n"
                + "#    (deploy/target/helm/flotilla-agent-" + AGENT_CHART_VERSION + ".tgz), copied to this folder first\n"
                + "sudo install -D -m 644 flotilla-agent-" + AGENT_CHART_VERSION + ".tgz " + K0S_CHART_PATH + "\n"
                + "# 3. the extension: merge this entry into spec.extensions.helm.charts of /etc/k0s/k0s.yaml\n"
                + "#    (deploy/k0s/k0s.yaml is a whole example), then restart k0s: sudo k0s stop && sudo k0s start\n"
                + "sudo tee " + K0S_EXTENSION_PATH + " > /dev/null <<'FLOTILLA_EOF'\n"
                + "- name: flotilla-agent\n"
                + "  chartname: " + K0S_CHART_PATH + "\n"
                + "  version: " + yamlQuoted(AGENT_CHART_VERSION) + "\n"
                + "  namespace: flotilla-system\n"
                + "  order: 10\n"
                + "  values: |\n"
                + "    clusterId: " + yamlQuoted(settings.clusterId()) + "\n"
                + "    controlPlaneUrl: " + yamlQuoted(settings.controlPlaneUrl()) + "\n"
                + "    bootstrapToken:\n"
                + "      existingSecret: flotilla-agent-bootstrap\n"
                + "FLOTILLA_EOF\n";
    }

    static String yamlQuoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
