package io.flotilla.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/helm/flotilla-control-plane rendered with its defaults and with each example of its ci/ folder (one replica
 * on PostgreSQL; three replicas with a TLS broker, ingresses, ServiceMonitor and NetworkPolicy; the embedded broker
 * on a PVC), and the combinations it refuses.
 */
class ControlPlaneChartTest {

    private static final HelmChart CHART = new HelmChart("flotilla-control-plane", "flotilla-control-plane", "flotilla");

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"single-postgres-values.yaml", "ha-values.yaml", "embedded-broker-values.yaml"})
    void lintsWithoutFindings(String example, @TempDir Path workDir) throws IOException {
        var lint = CHART.lint(example, workDir);

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @Test
    void defaultsRunOneHardenedReplicaOnPostgresqlWithCredentialsFromSecrets() {
        Rendered r = CHART.render(null);

        assertThat(r.one(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
        assertThat(r.container().getImage()).isEqualTo("ghcr.io/flotilla/control-plane:0.1.0");
        assertThat(r.envValue("QUARKUS_HTTP_HOST")).isEqualTo("0.0.0.0");
        assertThat(r.envValue("QUARKUS_DATASOURCE_JDBC_URL")).startsWith("jdbc:postgresql://");
        assertThat(r.envSecret("QUARKUS_DATASOURCE_USERNAME")).isEqualTo("flotilla-db/username");
        assertThat(r.envSecret("QUARKUS_DATASOURCE_PASSWORD")).isEqualTo("flotilla-db/password");
        assertThat(r.envValue("FLOTILLA_BROKER_EMBEDDED")).isEqualTo("false");
        assertThat(r.envSecret("FLOTILLA_BROKER_PASSWORD")).isEqualTo("flotilla-broker/password");
        assertThat(r.envValue("FLOTILLA_BROKER_EXTERNAL_TLS_ENABLED")).isEqualTo("false");
        assertThat(r.pod().getAutomountServiceAccountToken()).isFalse();
        r.assertHardened();
        r.assertNoSecretInPlainEnv();
    }

    @Test
    void probesAskQuarkusHealthOnTheHttpPort() {
        var container = CHART.render(null).container();

        assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .containsExactly(tuple("http", 8080));
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }

    @Test
    void tmpAndTheDataDirectoryAreWritableVolumes() {
        Rendered r = CHART.render(null);

        assertThat(r.volumeAt("/tmp").getEmptyDir()).isNotNull();
        assertThat(r.volumeAt(r.envValue("FLOTILLA_DATA_DIR")).getEmptyDir()).isNotNull();
        assertThat(r.all(PersistentVolumeClaim.class)).isEmpty();
    }

    @Test
    void onePersistentReplicaKeepsItsDataDirectoryOnAClaimAndIsReplacedNotRolled() {
        Rendered r = CHART.render("single-postgres-values.yaml");

        var claim = r.one(PersistentVolumeClaim.class);
        assertThat(r.volumeAt("/var/lib/flotilla").getPersistentVolumeClaim().getClaimName())
                .isEqualTo(claim.getMetadata().getName());
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
        assertThat(r.one(Deployment.class).getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(r.envValue("FLOTILLA_BROKER_HOST")).isEqualTo("mosquitto.flotilla.svc");
    }

    @Test
    void highAvailabilitySharesTheSigningKeyFromASecret() {
        Rendered r = CHART.render("ha-values.yaml");

        assertThat(r.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
        assertThat(r.envValue("FLOTILLA_DISPATCH_SIGNING_KEY_FILE"))
                .isEqualTo("/etc/flotilla/signing-key/control-plane.key");
        var keyVolume = r.volumeAt("/etc/flotilla/signing-key").getSecret();
        assertThat(keyVolume.getSecretName()).isEqualTo("flotilla-signing-key");
        assertThat(keyVolume.getDefaultMode()).as("readable by the group only").isEqualTo(0440);
        assertThat(keyVolume.getItems()).singleElement()
                .satisfies(item -> assertThat(item.getPath()).isEqualTo("control-plane.key"));
        assertThat(r.volumeAt("/var/lib/flotilla").getEmptyDir()).isNotNull();
        assertThat(r.all(PersistentVolumeClaim.class)).isEmpty();
        r.assertHardened();
        r.assertNoSecretInPlainEnv();
    }

    @Test
    void highAvailabilityReachesTheExternalBrokerOverTlsWithTheCaFromASecret() {
        Rendered r = CHART.render("ha-values.yaml");

        assertThat(r.envValue("FLOTILLA_BROKER_HOST")).isEqualTo("mqtt.example.com");
        assertThat(r.envValue("FLOTILLA_BROKER_PORT")).isEqualTo("8883");
        assertThat(r.envValue("FLOTILLA_BROKER_EXTERNAL_TLS_ENABLED")).isEqualTo("true");
        assertThat(r.envValue("FLOTILLA_BROKER_EXTERNAL_TLS_TRUST_STORE")).isEqualTo("/etc/flotilla/broker-ca/ca.crt");
        assertThat(r.volumeAt("/etc/flotilla/broker-ca").getSecret().getSecretName()).isEqualTo("flotilla-broker-ca");
        assertThat(r.envValue("FLOTILLA_BROKER_DYNAMIC_SECURITY_ENABLED")).isEqualTo("true");
        assertThat(r.envValue("FLOTILLA_ENROLLMENT_AGENT_BROKER_URL")).isEqualTo("ssl://mqtt.example.com:8883");
        assertThat(r.envValue("FLOTILLA_ENROLLMENT_AGENT_BROKER_CA")).isEqualTo("/etc/flotilla/agent-broker-ca/ca.crt");
        assertThat(r.volumeAt("/etc/flotilla/agent-broker-ca").getSecret().getSecretName()).isEqualTo("flotilla-broker-ca");
    }

    @Test
    void highAvailabilityServesTheRouterOnItsOwnPortAndIngressWithTenantsFromASecret() {
        Rendered r = CHART.render("ha-values.yaml");

        assertThat(r.one(Service.class).getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
                .containsExactly(tuple("http", 8080), tuple("router", 8000));
        assertThat(r.envValue("FLOTILLA_ROUTER_PORT")).isEqualTo("8000");
        assertThat(r.envValue("FLOTILLA_ROUTER_HOST")).isEqualTo("0.0.0.0");
        assertThat(r.envValue("QUARKUS_CONFIG_LOCATIONS")).isEqualTo("/etc/flotilla/config/application.properties");
        assertThat(r.volumeAt("/etc/flotilla/config").getSecret().getSecretName()).isEqualTo("flotilla-config");
        assertThat(r.all(Ingress.class)).extracting(this::hostAndBackendPort).containsExactlyInAnyOrder(
                "flotilla.example.com -> http", "inference.example.com -> router");
    }

    private String hostAndBackendPort(Ingress ingress) {
        var rule = ingress.getSpec().getRules().getFirst();
        return rule.getHost() + " -> " + rule.getHttp().getPaths().getFirst().getBackend().getService().getPort().getName();
    }

    @Test
    void highAvailabilityIsScrapedWithAViewerTokenAndFencedByANetworkPolicy() {
        Rendered r = CHART.render("ha-values.yaml");

        Map<String, Object> endpoint = r.one("ServiceMonitor").get("spec", "endpoints", 0);
        assertThat(r.one("ServiceMonitor").getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/q/metrics");
        assertThat(endpoint.get("authorization")).isEqualTo(Map.of("type", "Bearer",
                "credentials", Map.of("name", "flotilla-metrics-token", "key", "token")));
        var policy = r.one(NetworkPolicy.class).getSpec();
        assertThat(policy.getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getIngress().getFirst().getPorts()).extracting(p -> p.getPort().getStrVal())
                .containsExactly("http", "router");
        assertThat(policy.getIngress().getFirst().getFrom()).hasSize(2);
        assertThat(r.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void theEmbeddedBrokerKeepsItsDataOnAClaimAndExposesOnlyItsTlsListener() {
        Rendered r = CHART.render("embedded-broker-values.yaml");

        assertThat(r.envValue("FLOTILLA_BROKER_EMBEDDED")).isEqualTo("true");
        assertThat(r.env("FLOTILLA_BROKER_HOST")).as("the plain listener stays on loopback").isEmpty();
        assertThat(r.envValue("FLOTILLA_BROKER_TLS_PORT")).isEqualTo("8883");
        assertThat(r.envValue("FLOTILLA_BROKER_TLS_HOST_NAMES")).isEqualTo("mqtt.flotilla.example.com");
        assertThat(r.env("FLOTILLA_ENROLLMENT_AGENT_BROKER_URL")).as("agents get ssl://<first host name>:8883").isEmpty();
        assertThat(r.volumeAt("/var/lib/flotilla").getPersistentVolumeClaim().getClaimName())
                .isEqualTo(r.one(PersistentVolumeClaim.class).getMetadata().getName());
        assertThat(r.one(Service.class).getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
                .containsExactly(tuple("http", 8080), tuple("mqtts", 8883));
        assertThat(r.one(NetworkPolicy.class).getSpec().getIngress()).extracting(rule -> rule.getPorts().getFirst())
                .extracting(NetworkPolicyPort::getPort).extracting(IntOrString::getStrVal).containsExactly("http", "mqtts");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            several replicas on H2           | replicas=2,database.url=,persistence.enabled=true                | replicas=2 needs PostgreSQL
            the embedded broker, 2 replicas  | replicas=2,broker.mode=embedded,signingKey.existingSecret=k      | replicas=2 cannot use the embedded broker
            replicas without a shared key    | replicas=2                                                       | replicas=2 needs signingKey.existingSecret
            replicas on one RWO volume       | replicas=2,signingKey.existingSecret=k,persistence.enabled=true  | cannot share a ReadWriteOnce data volume
            the embedded broker on emptyDir  | broker.mode=embedded                                             | broker.mode=embedded needs persistence.enabled=true
            an unnamed embedded broker       | broker.mode=embedded,persistence.enabled=true,broker.embedded.expose.enabled=true | broker.embedded.expose.hostNames is required
            metrics without a token          | serviceMonitor.enabled=true                                      | serviceMonitor.bearerTokenSecret.name is required
            replicas as text                 | replicas=three                                                   | at '/replicas'
            an unknown broker mode           | broker.mode=sidecar                                              | at '/broker/mode'
            a misspelt value                 | replica=2                                                        | 'replica' not allowed
            """)
    void refusesWhatCannotRun(String what, String values, String message) {
        CHART.assertRenderFails(values, message);
    }
}
