package io.flotilla.controlplane.fleet;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * What an enrolled cluster's operator runs: the agent's k0s manifest from deploy/agent with its Secret filled
 * in, the device distribution's one-line start command with the same settings, and the line for the broker's
 * Mosquitto password file. Pure: the manifest template and the values come in, text goes out.
 */
public final class AgentInstallSnippet {

    /** Where k0s's manifest deployer picks the manifest up on a controller node. */
    public static final String MANIFEST_PATH = "/var/lib/k0s/manifests/flotilla/flotilla-agent.yaml";
    /** Where the device distribution is unpacked (edge-agent/README.md). */
    public static final String DEVICE_COMMAND = "/opt/flotilla-agent/bin/flotilla-agent";

    private static final int PBKDF2_ITERATIONS = 101;

    /** The agent's settings: each becomes one key of the Secret and one variable of the start command. */
    public record Settings(String clusterId, String brokerUrl, String brokerPassword, String controlPlaneKey) {

        Map<String, String> environment() {
            var env = new LinkedHashMap<String, String>();
            env.put("FLOTILLA_AGENT_CLUSTER_ID", clusterId);
            env.put("FLOTILLA_AGENT_BROKER_URL", brokerUrl);
            env.put("FLOTILLA_AGENT_BROKER_USERNAME", clusterId);
            env.put("FLOTILLA_AGENT_BROKER_PASSWORD", brokerPassword);
            env.put("FLOTILLA_AGENT_CONTROL_PLANE_KEY", controlPlaneKey);
            return env;
        }
    }

    /**
     * @param manifest the k0s manifest, its Secret filled in
     * @param startCommand one line that starts the device distribution with the same settings
     * @param brokerPasswordLine for an external Mosquitto's password file (PBKDF2-SHA512, as mosquitto_passwd writes it)
     * @param script all of it as one shell snippet to copy
     */
    public record Snippet(Settings settings, String manifest, String startCommand, String brokerPasswordLine, String script) {
    }

    private AgentInstallSnippet() {
    }

    /** Fills the template's Secret; fails when the template lacks one of the agent's settings (it changed shape). */
    public static Snippet render(String template, Settings settings, SecureRandom random) {
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
        String passwordLine = settings.clusterId() + ":" + mosquittoHash(settings.brokerPassword(), random);
        String script = "# Cluster " + settings.clusterId() + ". The broker password is shown once: keep this safe.\n"
                + "# On a k0s controller node:\n"
                + "sudo mkdir -p " + MANIFEST_PATH.substring(0, MANIFEST_PATH.lastIndexOf('/')) + "\n"
                + "sudo tee " + MANIFEST_PATH + " > /dev/null <<'FLOTILLA_EOF'\n"
                + manifest + (manifest.endsWith("\n") ? "" : "\n")
                + "FLOTILLA_EOF\n"
                + "# Or on a device without Kubernetes, with the device distribution unpacked in /opt/flotilla-agent:\n"
                + "# " + command + "\n"
                + "# On an external Mosquitto broker, add to its password file:\n"
                + "# " + passwordLine + "\n";
        return new Snippet(settings, manifest, command.toString(), passwordLine, script);
    }

    static String yamlQuoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Mosquitto 2's password-file hash: {@code $7$iterations$salt$hash}, PBKDF2 with HMAC-SHA512, base64. */
    static String mosquittoHash(String password, SecureRandom random) {
        byte[] salt = new byte[12];
        random.nextBytes(salt);
        try {
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, PBKDF2_ITERATIONS, 512)).getEncoded();
            Base64.Encoder b64 = Base64.getEncoder();
            return "$7$" + PBKDF2_ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }
}
