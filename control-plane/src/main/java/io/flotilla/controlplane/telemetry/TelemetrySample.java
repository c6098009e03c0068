package io.flotilla.controlplane.telemetry;

import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.TelemetryReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One device's reading at one time: a row of {@code telemetry_sample}. Nullable fields were not reported. */
record TelemetrySample(String clusterId, String device, Instant at, Double utilization, Long memoryUsedMib,
        Long memoryTotalMib, Double temperatureCelsius, Double powerWatts, Double queueDepth) {

    private static final long MIB = 1024 * 1024;

    /** A report's rows: one per GPU and one for the node's CPU, memory and inference queue. */
    static List<TelemetrySample> of(TelemetryReport r, Instant receivedAt) {
        Instant at = r.hasTime() ? Instant.ofEpochSecond(r.getTime().getSeconds(), r.getTime().getNanos()) : receivedAt;
        var rows = new ArrayList<TelemetrySample>(r.getGpusCount() + 1);
        for (GpuSample g : r.getGpusList()) {
            rows.add(new TelemetrySample(r.getClusterId(), "gpu" + g.getIndex(), at, g.getUtilizationPercent(),
                    g.getMemoryUsedMib(), g.getMemoryTotalMib(), g.getTemperatureCelsius(), g.getPowerWatts(), null));
        }
        Double cpu = r.hasCpu() && r.getCpu().getCapacityCores() > 0
                ? 100 * r.getCpu().getUsedCores() / r.getCpu().getCapacityCores() : null;
        Long memUsed = r.hasMemory() ? r.getMemory().getUsedBytes() / MIB : null;
        Long memTotal = r.hasMemory() ? r.getMemory().getCapacityBytes() / MIB : null;
        Double queue = r.getInferenceCount() == 0 ? null
                : r.getInferenceList().stream().mapToDouble(InferenceLoad::getRequestsWaiting).sum();
        rows.add(new TelemetrySample(r.getClusterId(), "node", at, cpu, memUsed, memTotal, null, null, queue));
        return rows;
    }
}
