package io.flotilla.agent.telemetry;

import io.flotilla.proto.v1.InferenceLoad;
import java.util.List;

/**
 * A model server's load from its Prometheus metrics: requests running and waiting (summed over the server's
 * engines and models) and KV-cache use, 0..1 (the highest). The names of each runtime's documented gauges are
 * all recognised, whatever runtime the policy names (an SGLang server runs as {@code custom}); they never clash:
 *
 * <table>
 * <caption>gauges read</caption>
 * <tr><th>runtime</th><th>waiting</th><th>running</th><th>KV cache</th></tr>
 * <tr><td>vLLM</td><td>{@code vllm:num_requests_waiting}</td><td>{@code vllm:num_requests_running}</td>
 *     <td>{@code vllm:gpu_cache_usage_perc}, renamed {@code vllm:kv_cache_usage_perc}</td></tr>
 * <tr><td>SGLang</td><td>{@code sglang:num_queue_reqs}</td><td>{@code sglang:num_running_reqs}</td>
 *     <td>{@code sglang:token_usage}</td></tr>
 * <tr><td>TGI</td><td>{@code tgi_queue_size}</td><td>{@code tgi_batch_current_size}</td><td>none (0)</td></tr>
 * </table>
 */
public final class ModelServerMetrics {

    private ModelServerMetrics() {
    }

    public static InferenceLoad load(String workload, List<PrometheusText.Sample> samples) {
        double running = 0;
        double waiting = 0;
        double cache = 0;
        for (PrometheusText.Sample s : samples) {
            switch (s.name()) {
                case "vllm:num_requests_running", "sglang:num_running_reqs", "tgi_batch_current_size" -> running += s.value();
                case "vllm:num_requests_waiting", "sglang:num_queue_reqs", "tgi_queue_size" -> waiting += s.value();
                case "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc", "sglang:token_usage" ->
                        cache = Math.max(cache, s.value());
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
