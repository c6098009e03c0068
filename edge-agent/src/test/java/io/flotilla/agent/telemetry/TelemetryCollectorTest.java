package io.flotilla.agent.telemetry;

import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flotilla.agent.probe.LatencyProber;
import io.flotilla.proto.v1.TelemetryReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class TelemetryCollectorTest {

    KubernetesClient client;

    @TempDir
    Path proc;

    @Test
    void reportCombinesProcNodeAndGpuCapacityFromTheApiGpusModelServerLoadAndLatency() throws IOException {
        Files.writeString(proc.resolve("stat"), "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1\ncpu1 1\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 4000 kB\nMemAvailable: 1000 kB\n");
        node("node-1", "8", "32Gi", "7500m", "30Gi", "4", "3");
        node("node-2", "4", "16Gi", "4", "15Gi", "1", "1");
        node("cpu-only", "2", "8Gi", "2", "7Gi", null, null);
        try (ServerSocket controlPlane = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            TelemetryCollector collector = new TelemetryCollector("edge-1",
                    new NodeSampler(proc, Optional.empty()), client,
                    () -> NvidiaSmiCsv.parse(TelemetryParsersTest.fixture("nvidia-smi-tesla-p100.csv")),
                    () -> Optional.of(desired(1, workload("chat"))),
                    w -> Optional.of(URI.create("http://127.0.0.1:1/metrics")), // nothing listens: left out
                    HttpClient.newHttpClient(),
                    new LatencyProber(Map.of("control-plane",
                            InetSocketAddress.createUnresolved("127.0.0.1", controlPlane.getLocalPort())), 1000),
                    Clock.systemUTC());

            collector.get();
            Files.writeString(proc.resolve("stat"), "cpu  250 0 150 900 0 0 0 0 0 0\ncpu0 1\ncpu1 1\n");
            TelemetryReport report = collector.get();

            assertThat(report.getClusterId()).isEqualTo("edge-1");
            assertThat(report.getCpu().getUsedCores()).isBetween(1.33, 1.34);
            assertThat(report.getCpu().getCapacityCores()).isEqualTo(8.0 + 4 + 2);
            assertThat(report.getCpu().getAllocatableCores()).isEqualTo(7.5 + 4 + 2);
            assertThat(report.getMemory().getUsedBytes()).isEqualTo(3000 * 1024);
            assertThat(report.getMemory().getAllocatableBytes()).isEqualTo((30L + 15 + 7) * 1024 * 1024 * 1024);
            assertThat(report.getGpuCapacity().getCapacity()).isEqualTo(5);
            assertThat(report.getGpuCapacity().getAllocatable()).isEqualTo(4);
            assertThat(report.getGpusList()).singleElement()
                    .satisfies(g -> assertThat(g.getModel()).isEqualTo("Tesla P100-PCIE-16GB"));
            assertThat(report.getInferenceList()).isEmpty();
            assertThat(report.getLatencyList()).singleElement()
                    .satisfies(p -> assertThat(p.getTarget()).isEqualTo("control-plane"));
        }
    }

    private void node(String name, String cpu, String memory, String allocatableCpu, String allocatableMemory,
            String gpus, String allocatableGpus) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
        node.withNewStatus()
                .addToCapacity("cpu", new Quantity(cpu)).addToCapacity("memory", new Quantity(memory))
                .addToAllocatable("cpu", new Quantity(allocatableCpu))
                .addToAllocatable("memory", new Quantity(allocatableMemory))
                .endStatus();
        if (gpus != null) {
            node.editStatus().addToCapacity("nvidia.com/gpu", new Quantity(gpus))
                    .addToAllocatable("nvidia.com/gpu", new Quantity(allocatableGpus)).endStatus();
        }
        client.nodes().resource(node.build()).create();
    }
}
