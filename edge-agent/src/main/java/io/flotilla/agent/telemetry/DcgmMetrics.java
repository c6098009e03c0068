package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.GpuSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-GPU figures from a DCGM exporter's metrics: utilisation, frame-buffer used and free (MiB),
 * temperature and power. GPUs are told apart by the exporter's {@code gpu} label (the index).
 */
public final class DcgmMetrics {

    static final String UTIL = "DCGM_FI_DEV_GPU_UTIL";
    static final String FB_USED = "DCGM_FI_DEV_FB_USED";
    static final String FB_FREE = "DCGM_FI_DEV_FB_FREE";
    static final String TEMP = "DCGM_FI_DEV_GPU_TEMP";
    static final String POWER = "DCGM_FI_DEV_POWER_USAGE";

    private DcgmMetrics() {
    }

    public static List<GpuSample> gpus(List<PrometheusText.Sample> samples) {
        Map<Integer, GpuSample.Builder> byIndex = new TreeMap<>();
        Map<Integer, long[]> memory = new TreeMap<>();
        for (PrometheusText.Sample s : samples) {
            if (!s.name().startsWith("DCGM_FI_DEV_")) {
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(s.label("gpu"));
            } catch (NumberFormatException e) {
                continue;
            }
            GpuSample.Builder gpu = byIndex.computeIfAbsent(index, i -> GpuSample.newBuilder()
                    .setIndex(i).setUuid(s.label("UUID")).setModel(s.label("modelName")));
            long[] mem = memory.computeIfAbsent(index, i -> new long[2]);
            switch (s.name()) {
                case UTIL -> gpu.setUtilizationPercent(s.value());
                case FB_USED -> mem[0] = (long) s.value();
                case FB_FREE -> mem[1] = (long) s.value();
                case TEMP -> gpu.setTemperatureCelsius(s.value());
                case POWER -> gpu.setPowerWatts(s.value());
                default -> {
                    // other DCGM fields are not reported
                }
            }
        }
        List<GpuSample> gpus = new ArrayList<>();
        byIndex.forEach((index, gpu) -> {
            long[] mem = memory.get(index);
            gpus.add(gpu.setMemoryUsedMib(mem[0]).setMemoryTotalMib(mem[0] + mem[1]).build());
        });
        return gpus;
    }
}
