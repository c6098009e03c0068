package io.flotilla.agent.telemetry;

import com.google.protobuf.Timestamp;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flotilla.agent.probe.LatencyProber;
import io.flotilla.agent.reconcile.WorkloadObjects;
import io.flotilla.proto.v1.CpuSample;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.GpuCapacity;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.MemorySample;
import io.flotilla.proto.v1.TelemetryReport;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds one telemetry report: node CPU and memory use (from {@link NodeSampler}); CPU, memory and
 * {@code nvidia.com/gpu} capacity and allocatable summed over the cluster's nodes (from the
 * Kubernetes API); GPUs; the load of each workload's model server; and latency probes. A source that fails is left out of the report and logged;
 * it never stops the others.
 */
public final class TelemetryCollector implements Supplier<TelemetryReport> {

    private static final System.Logger LOG = System.getLogger(TelemetryCollector.class.getName());

    private final String clusterId;
    private final NodeSampler node;
    private final KubernetesClient kubernetes;
    private final GpuSampler gpus;
    private final ModelServerScrape modelServers;
    private final LatencyProber prober;
    private final Clock clock;

    /**
     * @param modelServerMetrics the metrics URL of a workload's model server, empty when it has none to scrape
     */
    public TelemetryCollector(String clusterId, NodeSampler node, KubernetesClient kubernetes, GpuSampler gpus,
            Supplier<Optional<DesiredState>> desired, Function<InferenceWorkload, Optional<URI>> modelServerMetrics,
            HttpClient http, LatencyProber prober, Clock clock) {
        this.clusterId = clusterId;
        this.node = node;
        this.kubernetes = kubernetes;
        this.gpus = gpus;
        this.modelServers = new ModelServerScrape(desired, modelServerMetrics, http);
        this.prober = prober;
        this.clock = clock;
    }

    @Override
    public TelemetryReport get() {
        Instant now = clock.instant();
        TelemetryReport.Builder report = TelemetryReport.newBuilder()
                .setClusterId(clusterId)
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
        CpuSample.Builder cpu = CpuSample.newBuilder();
        MemorySample.Builder memory = MemorySample.newBuilder();
        attempt("node /proc and cgroup", () -> {
            CpuSample c = node.cpu(now);
            MemorySample m = node.memory();
            cpu.setUsedCores(c.getUsedCores()).setCapacityCores(c.getCapacityCores());
            memory.setUsedBytes(m.getUsedBytes()).setCapacityBytes(m.getCapacityBytes());
        });
        attempt("node capacity from the Kubernetes API", () -> {
            List<Node> nodes = kubernetes.nodes().list().getItems();
            if (nodes.isEmpty()) {
                return;
            }
            cpu.setCapacityCores(sum(nodes, true, "cpu")).setAllocatableCores(sum(nodes, false, "cpu"));
            memory.setCapacityBytes((long) sum(nodes, true, "memory"))
                    .setAllocatableBytes((long) sum(nodes, false, "memory"));
            report.setGpuCapacity(GpuCapacity.newBuilder()
                    .setCapacity((long) sum(nodes, true, WorkloadObjects.GPU_RESOURCE))
                    .setAllocatable((long) sum(nodes, false, WorkloadObjects.GPU_RESOURCE)));
        });
        report.setCpu(cpu).setMemory(memory);
        attempt("GPU", () -> report.addAllGpus(gpus.sample()));
        report.addAllInference(modelServers.loads());
        attempt("latency probes", () -> report.addAllLatency(prober.probe()));
        return report.build();
    }

    private void attempt(String source, Runnable sample) {
        try {
            sample.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "telemetry source {0} for {1} failed: {2}", source, clusterId, e.getMessage());
        }
    }

    private static double sum(List<Node> nodes, boolean capacity, String resource) {
        BigDecimal total = BigDecimal.ZERO;
        for (Node n : nodes) {
            if (n.getStatus() == null) {
                continue;
            }
            Map<String, Quantity> amounts = capacity ? n.getStatus().getCapacity() : n.getStatus().getAllocatable();
            if (amounts != null && amounts.get(resource) != null) {
                total = total.add(amounts.get(resource).getNumericalAmount());
            }
        }
        return total.doubleValue();
    }

}
