package io.flotilla.controlplane.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an enrolled cluster's operator runs: the agent's k0s manifest from deploy/agent with its Secret filled
 * in (cluster id, control-plane URL, one-time bootstrap token), and the device distribution's one-line start command
 * with the same settings. Pure: the manifest template and the values come in, text goes out.
 */
public final class AgentInstallSnippet {

    /** Where k0s's manifest deployer picks the manifest up on a controller node. */
    public static final String MANIFEST_PATH = "/var/lib/k0s/manifests/flotilla/flotilla-agent.yaml";
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
     */
    public record Snippet(Settings settings, String manifest, String startCommand, String script) {
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
        return new Snippet(settings, manifest, command.toString(), script);
    }

    static String yamlQuoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
