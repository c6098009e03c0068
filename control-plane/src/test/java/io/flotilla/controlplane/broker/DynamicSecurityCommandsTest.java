package io.flotilla.controlplane.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DynamicSecurityCommandsTest {

    @Test
    void roleAllowsOnlyTheAgentsOwnTopicsAndDeniesEverythingElseBelowThem() {
        List<String> acls = DynamicSecurityCommands.clusterAcls("paris").stream().map(JsonObject.class::cast)
                .map(a -> a.getString("acltype") + " " + a.getString("topic") + " " + (a.getBoolean("allow") ? "allow" : "deny")
                        + " " + a.getInteger("priority"))
                .toList();

        assertThat(acls).containsExactly(
                "publishClientSend flotilla/v1/clusters/paris/status allow 10",
                "publishClientSend flotilla/v1/clusters/paris/telemetry allow 10",
                "publishClientSend flotilla/v1/clusters/paris/load allow 10",
                "publishClientSend flotilla/v1/clusters/paris/presence allow 10",
                "subscribePattern flotilla/v1/clusters/paris/desired allow 10",
                "publishClientReceive flotilla/v1/clusters/paris/desired allow 10",
                "publishClientSend # deny 0",
                "publishClientReceive # deny 0",
                "subscribePattern # deny 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "+", "#", "paris#", "$SYS", "two words"})
    void clusterIdsThatWouldWidenTheAclAreRefused(String clusterId) {
        assertThatThrownBy(() -> DynamicSecurityCommands.clusterAcls(clusterId))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be used in an MQTT topic ACL");
    }

    @Test
    void createBindsTheClientIdAndGrantsTheClustersRole() {
        List<JsonObject> commands = DynamicSecurityCommands.create("paris", "paris", "pw", "flotilla-agent-paris");

        assertThat(commands).extracting(c -> c.getString("command")).containsExactly("createRole", "createClient");
        assertThat(commands.get(0).getString("rolename")).isEqualTo("flotilla-cluster-paris");
        assertThat(commands.get(1).getString("clientid")).isEqualTo("flotilla-agent-paris");
        assertThat(commands.get(1).getJsonArray("roles"))
                .isEqualTo(new JsonArray().add(new JsonObject().put("rolename", "flotilla-cluster-paris")));
    }

    @Test
    void updateAddsTheRoleOnlyWhenTheClientLacksIt() {
        assertThat(DynamicSecurityCommands.update("paris", "paris", "pw", "flotilla-agent-paris", true))
                .extracting(c -> c.getString("command"))
                .containsExactly("setClientPassword", "setClientId", "enableClient");
        assertThat(DynamicSecurityCommands.update("paris", "paris", "pw", "flotilla-agent-paris", false))
                .extracting(c -> c.getString("command"))
                .containsExactly("setClientPassword", "setClientId", "addClientRole", "enableClient");
    }

    @Test
    void completeRoleAddsEveryAclOfTheRole() {
        assertThat(DynamicSecurityCommands.completeRole("paris"))
                .allSatisfy(c -> assertThat(c.getString("command")).isEqualTo("addRoleACL"))
                .allSatisfy(c -> assertThat(c.getString("rolename")).isEqualTo("flotilla-cluster-paris"))
                .hasSize(DynamicSecurityCommands.clusterAcls("paris").size());
    }

    @Test
    void rolesAreReadFromAGetClientAnswer() {
        JsonObject answer = new JsonObject("""
                {"command":"getClient","data":{"client":{"username":"paris","clientid":"flotilla-agent-paris",
                "roles":[{"rolename":"flotilla-cluster-paris"}],"groups":[]}}}""");

        assertThat(DynamicSecurityCommands.roles(answer)).containsExactly("flotilla-cluster-paris");
    }
}
