package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.InferenceLoad;
import java.util.List;

/**
 * Inference load from a vLLM server's metrics: requests running and waiting (summed over the
 * server's engines and models) and KV-cache usage (the highest). vLLM renamed
 * {@code vllm:gpu_cache_usage_perc} to {@code vllm:kv_cache_usage_perc}; both are read.
 */
public final class VllmMetrics {

    private VllmMetrics() {
    }

    public static InferenceLoad load(String workload, List<PrometheusText.Sample> samples) {
        double running = 0;
        double waiting = 0;
        double cache = 0;
        for (PrometheusText.Sample s : samples) {
            switch (s.name()) {
                case "vllm:num_requests_running" -> running += s.value();
                case "vllm:num_requests_waiting" -> waiting += s.value();
                case "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc" -> cache = Math.max(cache, s.value());
                default -> {
                    // not a load figure
                }
            }
        }
        return InferenceLoad.newBuilder()
                .setWorkload(workload)
                .setRequestsRunning(running)
                .setRequestsWaiting(waiting)
                .setKvCacheUsage(cache)
                .build();
    }
}
