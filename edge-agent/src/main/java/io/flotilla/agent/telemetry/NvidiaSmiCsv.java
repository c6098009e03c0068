package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.GpuSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Parses nvidia-smi's CSV query output. The agent runs
 * {@code nvidia-smi --query-gpu=}{@value #QUERY}{@code --format=csv,noheader,nounits}, but the
 * parser also reads output with a header line (the header then names the columns, units such as
 * {@code memory.used [MiB]} stripped) or with another column order given as a query. Values a GPU
 * or driver does not report come out as {@code [N/A]}, {@code [Not Supported]} or, with older
 * drivers, a bare {@code N/A}: they are left unset. Lines that do not fit are skipped.
 */
public final class NvidiaSmiCsv {

    public static final String QUERY =
            "index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw";

    /** nvidia-smi accepts several names for some properties. */
    private static final Map<String, String> ALIASES = Map.of("gpu_uuid", "uuid", "gpu_name", "name");

    private NvidiaSmiCsv() {
    }

    /** The command line that produces what {@link #parse(String)} reads. */
    public static List<String> command(String nvidiaSmi) {
        return List.of(nvidiaSmi, "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
    }

    /** Reads output with a header line, or headerless output in the order of {@link #QUERY}. */
    public static List<GpuSample> parse(String csv) {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (!lines.isEmpty() && isHeader(lines.get(0))) {
            return parse(lines.subList(1, lines.size()), columns(lines.get(0)));
        }
        return parse(lines, columns(QUERY));
    }

    /** Reads headerless output of {@code --query-gpu=query}. */
    public static List<GpuSample> parse(String csv, String query) {
        return parse(csv.lines().filter(l -> !l.isBlank()).toList(), columns(query));
    }

    private static List<GpuSample> parse(List<String> lines, Map<String, Integer> columns) {
        List<GpuSample> gpus = new ArrayList<>();
        for (String line : lines) {
            String[] f = Arrays.stream(line.split(",", -1)).map(String::strip).toArray(String[]::new);
            if (f.length != columns.size()) {
                continue;
            }
            Row row = new Row(f, columns);
            Double index = row.number("index");
            if (columns.containsKey("index") && index == null) {
                continue;
            }
            GpuSample.Builder gpu = GpuSample.newBuilder()
                    .setIndex(index == null ? gpus.size() : index.intValue())
                    .setUuid(row.text("uuid"))
                    .setModel(row.text("name"));
            row.ifNumber("utilization.gpu", gpu::setUtilizationPercent);
            row.ifNumber("temperature.gpu", gpu::setTemperatureCelsius);
            row.ifNumber("power.draw", gpu::setPowerWatts);
            Double used = row.number("memory.used");
            if (used != null) {
                gpu.setMemoryUsedMib(used.longValue());
            }
            Double total = row.number("memory.total");
            Double free = row.number("memory.free");
            if (total == null && used != null && free != null) {
                // without memory.total, the driver's split is used + free + reserved
                Double reserved = row.number("memory.reserved");
                total = used + free + (reserved == null ? 0 : reserved);
            }
            if (total != null) {
                gpu.setMemoryTotalMib(total.longValue());
            }
            gpus.add(gpu.build());
        }
        return gpus;
    }

    private static boolean isHeader(String line) {
        Map<String, Integer> columns = columns(line);
        return columns.containsKey("uuid") || columns.containsKey("name") || columns.containsKey("index");
    }

    /** Column name (units and aliases normalised) to position. */
    private static Map<String, Integer> columns(String header) {
        String[] names = header.split(",", -1);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            String name = names[i].strip().toLowerCase(Locale.ROOT);
            int unit = name.indexOf(" [");
            if (unit > 0) {
                name = name.substring(0, unit);
            }
            columns.put(ALIASES.getOrDefault(name, name), i);
        }
        return columns;
    }

    private record Row(String[] fields, Map<String, Integer> columns) {

        String text(String column) {
            Integer i = columns.get(column);
            return i == null || missing(fields[i]) ? "" : fields[i];
        }

        Double number(String column) {
            String value = text(column);
            if (value.isEmpty()) {
                return null;
            }
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        void ifNumber(String column, DoubleConsumer set) {
            Double value = number(column);
            if (value != null) {
                set.accept(value);
            }
        }

        private static boolean missing(String value) {
            return value.startsWith("[") || value.equals("N/A");
        }
    }
}
