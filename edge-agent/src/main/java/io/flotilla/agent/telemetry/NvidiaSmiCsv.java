package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.GpuSample;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code nvidia-smi --query-gpu=}{@value #QUERY}{@code --format=csv,noheader,nounits}.
 * Fields a GPU does not support come out as {@code [N/A]} or {@code [Not Supported]} and are left
 * unset; malformed lines are skipped.
 */
public final class NvidiaSmiCsv {

    public static final String QUERY =
            "index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw";

    private NvidiaSmiCsv() {
    }

    /** The command line that produces what {@link #parse} reads. */
    public static List<String> command(String nvidiaSmi) {
        return List.of(nvidiaSmi, "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
    }

    public static List<GpuSample> parse(String csv) {
        List<GpuSample> gpus = new ArrayList<>();
        for (String line : csv.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 8) {
                continue;
            }
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i].strip();
            }
            Integer index = integer(f[0]);
            if (index == null) {
                continue;
            }
            GpuSample.Builder gpu = GpuSample.newBuilder().setIndex(index).setUuid(f[1]).setModel(f[2]);
            Double util = number(f[3]);
            if (util != null) {
                gpu.setUtilizationPercent(util);
            }
            Double used = number(f[4]);
            if (used != null) {
                gpu.setMemoryUsedMib(used.longValue());
            }
            Double total = number(f[5]);
            if (total != null) {
                gpu.setMemoryTotalMib(total.longValue());
            }
            Double temp = number(f[6]);
            if (temp != null) {
                gpu.setTemperatureCelsius(temp);
            }
            Double power = number(f[7]);
            if (power != null) {
                gpu.setPowerWatts(power);
            }
            gpus.add(gpu.build());
        }
        return gpus;
    }

    private static Integer integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double number(String s) {
        if (s.startsWith("[")) {
            return null;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
