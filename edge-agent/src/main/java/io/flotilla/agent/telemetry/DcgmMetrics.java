package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.GpuSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-GPU figures from a DCGM exporter's metrics: utilisation, frame-buffer use (MiB), temperature
 * and power. GPUs are told apart by their {@code UUID} label (the {@code gpu} index label repeats
 * across MIG instances and hosts); series without a {@code gpu} label are not per-GPU and are
 * skipped. Total memory is {@code DCGM_FI_DEV_FB_TOTAL} where exported, else used + free +
 * reserved (the exporter's default counters have no total). A GPU none of these figures was
 * exported for is left out.
 */
public final class DcgmMetrics {

    static final String UTIL = "DCGM_FI_DEV_GPU_UTIL";
    static final String FB_USED = "DCGM_FI_DEV_FB_USED";
    static final String FB_FREE = "DCGM_FI_DEV_FB_FREE";
    static final String FB_RESERVED = "DCGM_FI_DEV_FB_RESERVED";
    static final String FB_TOTAL = "DCGM_FI_DEV_FB_TOTAL";
    static final String TEMP = "DCGM_FI_DEV_GPU_TEMP";
    static final String POWER = "DCGM_FI_DEV_POWER_USAGE";

    private DcgmMetrics() {
    }

    public static List<GpuSample> gpus(List<PrometheusText.Sample> samples) {
        Map<String, Gpu> byUuid = new LinkedHashMap<>();
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
            String uuid = s.label("UUID");
            Gpu gpu = byUuid.computeIfAbsent(uuid.isEmpty() ? "gpu" + index : uuid, u -> new Gpu(
                    GpuSample.newBuilder().setIndex(index).setUuid(uuid).setModel(s.label("modelName"))));
            gpu.add(s.name(), s.value());
        }
        List<GpuSample> gpus = new ArrayList<>();
        for (Gpu gpu : byUuid.values()) {
            if (gpu.reported) {
                gpus.add(gpu.build());
            }
        }
        gpus.sort(Comparator.comparingInt(GpuSample::getIndex).thenComparing(GpuSample::getUuid));
        return gpus;
    }

    private static final class Gpu {
        private final GpuSample.Builder sample;
        private double used = Double.NaN;
        private double free = Double.NaN;
        private double reserved = 0;
        private double total = Double.NaN;
        private boolean reported;

        Gpu(GpuSample.Builder sample) {
            this.sample = sample;
        }

        void add(String name, double value) {
            boolean read = true;
            switch (name) {
                case UTIL -> sample.setUtilizationPercent(value);
                case TEMP -> sample.setTemperatureCelsius(value);
                case POWER -> sample.setPowerWatts(value);
                case FB_USED -> used = value;
                case FB_FREE -> free = value;
                case FB_RESERVED -> reserved = value;
                case FB_TOTAL -> total = value;
                default -> read = false;
            }
            reported |= read && !FB_RESERVED.equals(name);
        }

        GpuSample build() {
            if (!Double.isNaN(used)) {
                sample.setMemoryUsedMib((long) used);
            }
            if (!Double.isNaN(total)) {
                sample.setMemoryTotalMib((long) total);
            } else if (!Double.isNaN(used) && !Double.isNaN(free)) {
                sample.setMemoryTotalMib((long) (used + free + reserved));
            }
            return sample.build();
        }
    }
}
