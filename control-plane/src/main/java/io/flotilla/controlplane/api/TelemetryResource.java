package io.flotilla.controlplane.api;

import io.flotilla.controlplane.fleet.FleetException;
import io.flotilla.controlplane.telemetry.LatestTelemetry;
import io.flotilla.proto.v1.TelemetryReport;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/clusters/{id}/telemetry")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "clusters")
public class TelemetryResource {

    private final LatestTelemetry latest;

    TelemetryResource(LatestTelemetry latest) {
        this.latest = latest;
    }

    public record TelemetryView(String cluster, Instant time, Instant receivedAt, Cpu cpu, Memory memory,
            List<Gpu> gpus, List<Inference> inference, List<Latency> latency) {
    }

    public record Cpu(double usedCores, double capacityCores, double allocatableCores) {
    }

    public record Memory(long usedBytes, long capacityBytes, long allocatableBytes) {
    }

    public record Gpu(int index, String uuid, String model, double utilizationPercent, long memoryUsedMiB,
            long memoryTotalMiB, double temperatureCelsius, double powerWatts) {
    }

    public record Inference(String workload, double requestsRunning, double requestsWaiting, double kvCacheUsage) {
    }

    public record Latency(String target, double rttMs) {
    }

    @GET
    @Operation(summary = "The cluster's newest telemetry report")
    public TelemetryView latest(@PathParam("id") String id) {
        LatestTelemetry.Entry entry = latest.of(id).orElseThrow(() ->
                new FleetException(FleetException.Kind.NOT_FOUND, "no telemetry from cluster '" + id + "' yet"));
        TelemetryReport r = entry.report();
        return new TelemetryView(id, Instant.ofEpochSecond(r.getTime().getSeconds(), r.getTime().getNanos()),
                entry.receivedAt(),
                new Cpu(r.getCpu().getUsedCores(), r.getCpu().getCapacityCores(), r.getCpu().getAllocatableCores()),
                new Memory(r.getMemory().getUsedBytes(), r.getMemory().getCapacityBytes(),
                        r.getMemory().getAllocatableBytes()),
                r.getGpusList().stream().map(g -> new Gpu(g.getIndex(), g.getUuid(), g.getModel(),
                        g.getUtilizationPercent(), g.getMemoryUsedMib(), g.getMemoryTotalMib(),
                        g.getTemperatureCelsius(), g.getPowerWatts())).toList(),
                r.getInferenceList().stream().map(i -> new Inference(i.getWorkload(), i.getRequestsRunning(),
                        i.getRequestsWaiting(), i.getKvCacheUsage())).toList(),
                r.getLatencyList().stream().map(l -> new Latency(l.getTarget(), l.getRttMs())).toList());
    }
}
