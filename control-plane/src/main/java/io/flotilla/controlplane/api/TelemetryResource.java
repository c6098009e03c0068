package io.flotilla.controlplane.api;

import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.fleet.FleetService;
import io.flotilla.controlplane.fleet.LatestTelemetry;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.controlplane.telemetry.TelemetryHistory;
import io.flotilla.proto.v1.TelemetryReport;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/clusters/{id}/telemetry")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "clusters")
public class TelemetryResource {

    private final LatestTelemetry latest;
    private final TelemetryHistory history;
    private final FleetService fleet;

    TelemetryResource(LatestTelemetry latest, TelemetryHistory history, FleetService fleet) {
        this.latest = latest;
        this.history = history;
        this.fleet = fleet;
    }

    /** The last minutes of a cluster from the one-minute roll-ups, oldest first; minutes without data are absent. */
    public record HistoryView(String cluster, Instant from, Instant to, List<NodePoint> node, List<GpuHistory> gpus) {
    }

    /** @param cpuPercent CPU in use, percent of capacity */
    public record NodePoint(Instant minute, Double cpuPercent, Double memoryUsedMiB, Long memoryTotalMiB) {
    }

    public record GpuHistory(int index, List<GpuPoint> points) {
    }

    public record GpuPoint(Instant minute, Double utilizationPercent, Double memoryUsedMiB, Long memoryTotalMiB,
            Double temperatureCelsius) {
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

    @GET
    @Path("/history")
    @Operation(summary = "Per-minute CPU, memory and per-GPU utilisation, memory and temperature of the last minutes")
    public HistoryView history(@PathParam("id") String id,
            @QueryParam("minutes") @DefaultValue("60") @Min(value = 1, message = "minutes must be 1 to 1440")
            @Max(value = 1440, message = "minutes must be 1 to 1440") int minutes) throws SQLException {
        if (fleet.get(id).isEmpty()) {
            throw FleetException.unknownCluster(id);
        }
        TelemetryHistory.History h = history.lastMinutes(id, minutes);
        return new HistoryView(id, h.from(), h.to(),
                h.node().stream().map(p -> new NodePoint(p.minute(), p.utilizationPercent(), p.memoryUsedMib(),
                        p.memoryTotalMib())).toList(),
                h.gpus().entrySet().stream().map(g -> new GpuHistory(g.getKey(), g.getValue().stream()
                        .map(p -> new GpuPoint(p.minute(), p.utilizationPercent(), p.memoryUsedMib(), p.memoryTotalMib(),
                                p.temperatureCelsius())).toList())).toList());
    }
}
