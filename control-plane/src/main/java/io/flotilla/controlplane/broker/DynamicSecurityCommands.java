package io.flotilla.controlplane.broker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The commands that Mosquitto's dynamic security plugin (v1 control API) receives for a cluster's identity. Pure:
 * no connection, no state; {@link MosquittoDynamicSecurity} sends them and reads the answers.
 *
 * <p>A cluster's identity is a client {@code <username>} bound to one client id, holding the role
 * {@code flotilla-cluster-<clusterId>}. The role allows exactly the agent's side of the protocol and then denies
 * everything under any topic at a lower priority, so the cluster stays confined whatever the broker's default ACL
 * access is. Topics starting with {@code $} are not matched by {@code #}; the plugin's defaults (publishClientSend and
 * subscribe denied, as {@code mosquitto_ctrl dynsec init} writes them) cover those.
 */
final class DynamicSecurityCommands {

    static final String CONTROL_TOPIC = "$CONTROL/dynamic-security/v1";
    static final String RESPONSE_TOPIC = CONTROL_TOPIC + "/response";

    /** What the plugin answers when asked to create what already exists (Mosquitto 2.0). */
    static final String ROLE_EXISTS = "Role already exists";
    static final String CLIENT_EXISTS = "Client already exists";
    static final String ACL_EXISTS = "ACL with this topic already exists";
    static final String CLIENT_NOT_FOUND = "Client not found";

    private static final int ALLOW_PRIORITY = 10;
    private static final int DENY_PRIORITY = 0;

    private DynamicSecurityCommands() {
    }

    static String roleName(String clusterId) {
        return "flotilla-cluster-" + clusterId;
    }

    /**
     * A cluster id becomes part of topic names and ACL patterns: one with a topic separator or wildcard would widen
     * the cluster's ACL to other clusters' topics, so it is refused here even though enrollment validates ids too.
     */
    static void requireTopicSafe(String clusterId) {
        if (clusterId == null || clusterId.isEmpty() || clusterId.chars().anyMatch(c -> c == '/' || c == '+'
                || c == '#' || c == '$' || c == 0 || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("cluster id '" + clusterId
                    + "' cannot be used in an MQTT topic ACL: it must be non-empty, without '/', '+', '#', '$' or spaces");
        }
    }

    /** The role's ACLs: the agent writes its status, telemetry, load and presence, and reads its desired state; nothing else. */
    static JsonArray clusterAcls(String clusterId) {
        requireTopicSafe(clusterId);
        String base = "flotilla/v1/clusters/" + clusterId + "/";
        JsonArray acls = new JsonArray();
        for (String topic : List.of(base + "status", base + "telemetry", base + "load", base + "presence")) {
            acls.add(acl("publishClientSend", topic, true, ALLOW_PRIORITY));
        }
        acls.add(acl("subscribePattern", base + "desired", true, ALLOW_PRIORITY));
        acls.add(acl("publishClientReceive", base + "desired", true, ALLOW_PRIORITY));
        for (String type : List.of("publishClientSend", "publishClientReceive", "subscribePattern")) {
            acls.add(acl(type, "#", false, DENY_PRIORITY));
        }
        return acls;
    }

    /** First step of issuing: create the role with its ACLs and the client holding it. Both may already exist. */
    static List<JsonObject> create(String clusterId, String username, String password, String clientId) {
        return List.of(
                new JsonObject().put("command", "createRole").put("rolename", roleName(clusterId))
                        .put("textname", "Flotilla cluster " + clusterId).put("acls", clusterAcls(clusterId)),
                new JsonObject().put("command", "createClient").put("username", username).put("password", password)
                        .put("clientid", clientId).put("textname", "Flotilla agent of cluster " + clusterId)
                        .put("roles", new JsonArray().add(new JsonObject().put("rolename", roleName(clusterId)))));
    }

    /**
     * The role existed already (an earlier issue, or a retried one): add each ACL; those already there answer
     * {@link #ACL_EXISTS}. The role is never deleted and recreated: Mosquitto 2.0.11 crashes on the next connection of
     * a client that held a deleted role.
     */
    static List<JsonObject> completeRole(String clusterId) {
        return clusterAcls(clusterId).stream().map(JsonObject.class::cast)
                .map(acl -> acl.copy().put("command", "addRoleACL").put("rolename", roleName(clusterId)))
                .toList();
    }

    static JsonObject getClient(String username) {
        return new JsonObject().put("command", "getClient").put("username", username);
    }

    /** The names of the roles in a getClient answer. */
    static Set<String> roles(JsonObject getClientResponse) {
        JsonArray roles = getClientResponse.getJsonObject("data", new JsonObject()).getJsonObject("client", new JsonObject())
                .getJsonArray("roles", new JsonArray());
        return roles.stream().map(JsonObject.class::cast).map(r -> r.getString("rolename"))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * The client existed already (credentials issued again, or after a revocation): new password, the bound client
     * id, the role if it lacks it, enabled. Adding a role the client already holds answers "Internal error" in
     * Mosquitto 2.0.11, hence {@code hasRole}.
     */
    static List<JsonObject> update(String clusterId, String username, String password, String clientId, boolean hasRole) {
        var commands = new java.util.ArrayList<JsonObject>();
        commands.add(new JsonObject().put("command", "setClientPassword").put("username", username).put("password", password));
        commands.add(new JsonObject().put("command", "setClientId").put("username", username).put("clientid", clientId));
        if (!hasRole) {
            commands.add(new JsonObject().put("command", "addClientRole").put("username", username)
                    .put("rolename", roleName(clusterId)).put("priority", 0));
        }
        commands.add(new JsonObject().put("command", "enableClient").put("username", username));
        return List.copyOf(commands);
    }

    /** Revocation. Disabling a client disconnects its connected session at once (DISCONNECT 0x98 in Mosquitto 2.0.11). */
    static JsonObject disable(String username) {
        return new JsonObject().put("command", "disableClient").put("username", username);
    }

    static JsonObject getDefaultAclAccess() {
        return new JsonObject().put("command", "getDefaultACLAccess");
    }

    private static JsonObject acl(String type, String topic, boolean allow, int priority) {
        return new JsonObject().put("acltype", type).put("topic", topic).put("allow", allow).put("priority", priority);
    }
}
