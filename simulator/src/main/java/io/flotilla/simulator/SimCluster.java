package io.flotilla.simulator;

import java.util.Map;

/**
 * One simulated edge cluster as it is registered with the control plane.
 *
 * @param site         the metro area it stands in (a name from the built-in sites)
 * @param jurisdiction ISO 3166-2 subdivision where the site has one, else the country
 */
public record SimCluster(
        String id,
        String site,
        String country,
        String jurisdiction,
        double latitude,
        double longitude,
        Map<String, String> labels,
        String gpuModel,
        int gpuCount,
        int gpuMemoryGiB,
        int cpuCores,
        int memoryGiB) {

    /** The namespace its workloads live in, on the shared simulated cluster API. */
    public String namespace() {
        return "flotilla-" + id;
    }

    /** Thermal design power of one GPU, in watts. */
    double gpuMaxWatts() {
        return gpuModel.startsWith("A100") ? 400 : 72;
    }

    double gpuIdleWatts() {
        return gpuModel.startsWith("A100") ? 55 : 16;
    }

    /** The registration body of {@code POST /api/v1/clusters}. */
    String registrationJson(boolean withCapacity) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"id\":").append(quote(id))
                .append(",\"jurisdiction\":").append(quote(jurisdiction))
                .append(",\"latitude\":").append(latitude)
                .append(",\"longitude\":").append(longitude)
                .append(",\"labels\":{");
        boolean first = true;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append(quote(label.getKey())).append(':').append(quote(label.getValue()));
        }
        json.append('}');
        if (withCapacity) {
            json.append(",\"capacity\":{\"gpus\":[{\"model\":").append(quote(gpuModel))
                    .append(",\"count\":").append(gpuCount)
                    .append(",\"memoryGiB\":").append(gpuMemoryGiB)
                    .append("}],\"cpu\":").append(quote(Integer.toString(cpuCores)))
                    .append(",\"memory\":").append(quote(memoryGiB + "Gi"))
                    .append('}');
        }
        return json.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
